import MorphEngine

extension ModelDefinition {
    /// The MorphScript that builds this model (seed and name included), laid out to be read and
    /// edited: for a named neural model the composition it is made of, for PCA its own call.
    public var scriptText: String {
        if case .principalComponents = kind, let namedCall { return namedCall }
        var arguments: [String] = []
        if let encoder { arguments.append("encoder: " + encoder.definitionText(indent: 4, level: 1)) }
        arguments.append("decoder: " + decoder.definitionText(indent: 4, level: 1))
        if encoder == nil, let latentSize { arguments.append("latent: \(latentSize)") }
        if case let .variational(beta) = kind { arguments.append("beta: \(Value.format(beta))") }
        arguments.append("input: [" + inputShape.map(String.init).joined(separator: ", ") + "]")
        if case let .flow(flow) = inference {
            arguments.append("inference: \"flow\"")
            if flow != GradientFlow() { arguments.append("flowSteps: \(flow.steps), flowRate: \(Value.format(Double(flow.stepSize)))") }
        }
        arguments.append("seed: \(seed)")
        arguments.append("name: " + Value.quote(name))
        let call: String
        switch kind {
        case .variational: call = "VAE"
        default: call = "AutoEncoder"
        }
        return call + "(\n    " + arguments.joined(separator: ",\n    ") + "\n)"
    }
}
