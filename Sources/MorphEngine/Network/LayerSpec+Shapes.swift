/// A network that does not fit together: which part, and what is wrong, in words a cell's
/// author can act on.
public struct NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is.
    public enum Part: String, Sendable {
        case encoder, decoder, input, latent, weights
    }
    /// The part of the model the problem is in.
    public var part: Part
    /// What is wrong and what fits.
    public var message: String

    /// An error in `part`.
    public init(_ part: Part, _ message: String) {
        self.part = part
        self.message = message
    }

    public var description: String { message }
}

/// One leaf layer of a network as built for a given input: where it is, its output shape per
/// sample, its parameter count and its multiply-adds per sample.
public struct LayerReport: Sendable, Equatable {
    /// Its place, e.g. "encoder[2]" or "decoder[3][1]".
    public var path: String
    /// The call that makes it.
    public var callText: String
    /// How deeply it is nested (0 for a direct child of the encoder or decoder).
    public var depth: Int
    /// Its output shape per sample.
    public var outputShape: [Int]
    /// Trainable parameters.
    public var parameters: Int
    /// Multiply-adds per sample in the forward pass.
    public var multiplyAdds: Int
}

/// What feeds a layer, for shape inference and its messages.
struct ShapeSource {
    /// "the input", "the latent" or the call text of the layer before.
    var text: String
    /// The per-sample shape.
    var shape: [Int]
    /// When the layer before was a Flatten: the shape it flattened.
    var flattenedFrom: [Int]? = nil

    /// "1024 (64×4×4)", "512" or "[32, 7, 7]".
    var shapeText: String {
        let count = shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue })
        if let flattenedFrom, flattenedFrom.count > 1 {
            return "\(count) (" + flattenedFrom.map(String.init).joined(separator: "×") + ")"
        }
        return shape.count == 1 ? "\(count)" : "\(shape)"
    }
}

/// The largest size of any one hyperparameter (channels, features, kernel, …).
let maximumLayerSize = 1 << 24

extension LayerSpec {
    /// The per-sample output shape for a per-sample `input` shape, with a report per leaf layer;
    /// a layer that does not fit throws an error naming it, its place, what it received and what it needs.
    public func outputShape(for input: [Int], part: NetworkError.Part, path: String,
                            source: String) throws(NetworkError) -> (shape: [Int], layers: [LayerReport]) {
        var reports: [LayerReport] = []
        let out = try infer(ShapeSource(text: source, shape: input), part: part, path: path, depth: -1, reports: &reports)
        return (out.shape, reports)
    }

    func infer(_ source: ShapeSource, part: NetworkError.Part, path: String, depth: Int,
               reports: inout [LayerReport]) throws(NetworkError) -> ShapeSource {
        if case let .sequential(layers) = self {
            var current = source
            for (i, layer) in layers.enumerated() {
                current = try layer.infer(current, part: part, path: "\(path)[\(i)]", depth: depth + 1, reports: &reports)
            }
            return current
        }
        try validateSizes(part: part, at: path)
        let shape = source.shape
        let at = "\(callText) at \(path)"
        func fail(_ message: String) -> NetworkError { NetworkError(part, message) }
        guard let inputCount = checkedProduct(shape) else { throw fail("\(at): the input \(shape) is too large") }
        var out: [Int]
        var parameters: Int?
        var multiplyAdds: Int?
        switch self {
        case .linear(let i, let o, _), .secondOrder(let i, let o):
            guard shape.count == 1 else {
                throw fail("\(at) needs flat samples of \(i) values, but \(source.text) gives \(shape) (\(inputCount) values); add Flatten() before it")
            }
            guard shape[0] == i else {
                throw fail("\(at) expects \(i) values per sample, but \(source.text) gives \(source.shapeText)")
            }
            out = [o]
            if case .secondOrder = self {
                let e2 = checkedProduct([i, i])
                parameters = checkedSum(e2, i + 1).flatMap { checkedProduct([o, $0]) }
                multiplyAdds = checkedSum(e2, i).flatMap { checkedProduct([o, $0]) }
            } else {
                let weights = checkedProduct([i, o])
                var bias = false
                if case .linear(_, _, true) = self { bias = true }
                parameters = checkedSum(weights, bias ? o : 0)
                multiplyAdds = weights
            }
        case let .linearMixture(i, o, k, _):
            guard shape.count == 1, shape[0] == i else {
                throw fail("\(at) expects flat samples of \(i) values, but \(source.text) gives \(source.shapeText)")
            }
            out = [o]
            parameters = checkedSum(checkedProduct([k, o, i]), checkedProduct([k, i + o]))
            multiplyAdds = checkedSum(checkedProduct([k, o, i]), checkedProduct([k, i]))
        case let .conv2d(c), let .locallyConnected2d(c), let .convTranspose2d(c), let .locallyConnectedTranspose2d(c):
            guard shape.count == 3 else {
                let hint = shape.count == 1 ? "; add Reshape([C, H, W]) before it" : ""
                throw fail("\(at) expects samples [C, H, W] with C = \(c.inChannels), but \(source.text) gives \(source.shapeText)\(hint)")
            }
            guard shape[0] == c.inChannels else {
                throw fail("\(at) expects \(c.inChannels) input channels, but \(source.text) gives \(shape[0]) (\(shape))")
            }
            let transposed: Bool
            switch self {
            case .convTranspose2d, .locallyConnectedTranspose2d: transposed = true
            default: transposed = false
            }
            let (h, w) = (shape[1], shape[2])
            let (oh, ow): (Int, Int)
            if transposed {
                // (H − 1)·s − 2·pad + k + outputPadding, in checked arithmetic.
                guard let a = checkedProduct([h - 1, c.stride]), let b = checkedProduct([w - 1, c.stride]) else {
                    throw fail("\(at): the output would be too large")
                }
                oh = a - 2 * c.padding + c.kernel + c.outputPadding
                ow = b - 2 * c.padding + c.kernel + c.outputPadding
            } else {
                oh = h + 2 * c.padding >= c.kernel ? (h + 2 * c.padding - c.kernel) / c.stride + 1 : 0
                ow = w + 2 * c.padding >= c.kernel ? (w + 2 * c.padding - c.kernel) / c.stride + 1 : 0
            }
            guard oh > 0, ow > 0 else {
                throw fail("\(at) gives no output from \(h)×\(w) (kernel \(c.kernel), stride \(c.stride), padding \(c.padding))")
            }
            out = [c.outChannels, oh, ow]
            let kernelSize = checkedProduct([c.inChannels, c.outChannels, c.kernel, c.kernel])
            guard let positions = transposed ? checkedProduct([h, w]) : checkedProduct([oh, ow]) else {
                throw fail("\(at): the output would be too large")
            }
            let biasCount = c.bias ? c.outChannels : 0
            switch self {
            case .conv2d, .convTranspose2d:
                parameters = checkedSum(kernelSize, biasCount)
                multiplyAdds = kernelSize.flatMap { checkedProduct([$0, positions]) }
            default:
                parameters = checkedSum(kernelSize.flatMap { checkedProduct([$0, positions]) }, checkedProduct([biasCount, oh, ow]))
                multiplyAdds = kernelSize.flatMap { checkedProduct([$0, positions]) }
            }
        case let .batchNorm(f):
            guard shape.count == 1 || shape.count == 3, shape[0] == f else {
                throw fail("\(at) expects samples [\(f)] or [\(f), H, W], but \(source.text) gives \(source.shapeText)")
            }
            out = shape
            parameters = 2 * f
            multiplyAdds = inputCount
        case .relu, .leakyRelu, .sigmoid, .tanh:
            out = shape
            parameters = 0
            multiplyAdds = 0
        case .flatten:
            out = [inputCount]
            parameters = 0
            multiplyAdds = 0
        case let .reshape(target):
            guard let count = checkedProduct(target), count == inputCount else {
                throw fail("\(at) needs \(checkedProduct(target).map(String.init) ?? "too many") values per sample, but \(source.text) gives \(source.shapeText)")
            }
            out = target
            parameters = 0
            multiplyAdds = 0
        case .sequential:
            preconditionFailure("handled above")
        }
        guard let parameters, let multiplyAdds, checkedProduct(out) != nil, out.allSatisfy({ $0 <= 1 << 32 }) else {
            throw fail("\(at) is too large to build")
        }
        reports.append(LayerReport(path: path, callText: callText, depth: max(0, depth), outputShape: out,
                                   parameters: parameters, multiplyAdds: multiplyAdds))
        var next = ShapeSource(text: callText, shape: out)
        if case .flatten = self { next.flattenedFrom = shape }
        return next
    }

    /// Checks that every size is in range (positive channels and kernels, padding ≥ 0, output
    /// padding below the stride), so arithmetic on them cannot overflow.
    func validateSizes(part: NetworkError.Part, at path: String) throws(NetworkError) {
        func check(_ ok: Bool, _ what: String) throws(NetworkError) {
            if !ok { throw NetworkError(part, "\(callText) at \(path): \(what)") }
        }
        let range = 1...maximumLayerSize
        switch self {
        case .linear(let i, let o, _), .secondOrder(let i, let o):
            try check(range.contains(i) && range.contains(o), "the sizes must be between 1 and \(maximumLayerSize)")
        case let .linearMixture(i, o, k, sigma):
            try check(range.contains(i) && range.contains(o) && range.contains(k), "the sizes must be between 1 and \(maximumLayerSize)")
            try check(sigma > 0 && sigma.isFinite, "sigma must be positive and finite")
        case let .conv2d(c), let .convTranspose2d(c), let .locallyConnected2d(c), let .locallyConnectedTranspose2d(c):
            try check(range.contains(c.inChannels) && range.contains(c.outChannels), "the channels must be between 1 and \(maximumLayerSize)")
            try check((1...1024).contains(c.kernel) && (1...1024).contains(c.stride), "kernel and stride must be between 1 and 1024")
            try check((0...1024).contains(c.padding), "padding must be between 0 and 1024")
            try check(c.outputPadding >= 0 && (c.outputPadding == 0 || c.outputPadding < c.stride), "outputPadding must be 0 or more and less than the stride")
        case let .batchNorm(f):
            try check(range.contains(f), "the features must be between 1 and \(maximumLayerSize)")
        case let .leakyRelu(slope):
            try check(slope.isFinite, "the slope must be finite")
        case let .reshape(shape):
            try check(!shape.isEmpty && shape.allSatisfy { range.contains($0) }, "every size must be between 1 and \(maximumLayerSize)")
        case .relu, .sigmoid, .tanh, .flatten, .sequential:
            break
        }
    }
}

/// `a + b`, or nil when either is nil or the sum overflows.
func checkedSum(_ a: Int?, _ b: Int?) -> Int? {
    guard let a, let b else { return nil }
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? nil : sum
}
