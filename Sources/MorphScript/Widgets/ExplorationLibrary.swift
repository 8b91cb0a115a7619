import MorphEngine

extension Library {
    /// Live widgets over a model's latent space: `explore` along a path or around one image.
    static let exploration = Library(name: "exploration", builtins: [
        .function("explore", [
            .positional("model", .host("Model"), doc: "the model"),
            .labeled("from", .host("Image"), doc: "the first image, a (t = 0)"),
            .labeled("to", .host("Image"), doc: "the second image, b (t = 1)"),
            .labeled("t", .double, default: .double(0.5), doc: "where the slider starts, from 0 to 1"),
        ], returns: .host("Widget"),
        summary: "A slider along the latent path from a to b, showing r(z(t)) with ‖J‖_F and σ₁ there.",
        doc: """
            z(t) = (1 − t) e(a) + t e(b), the path of interpolate and path. Moving the slider decodes z(t) \
            (shown 8× enlarged, between the two originals) and computes the decoder Jacobian there, \
            showing ‖J‖_F and its largest singular value σ₁; a fast drag is computed once, for the latest t. \
            Live in JupyterLab; elsewhere shown as text. `e.value` reads t.
            Example:
                let e = explore(conv, from: data.test[3], to: data.test[42])
            """) { call in
            let model = try ExperimentsSupport.model(call)
            let a = try ExperimentsSupport.image(call, "from"), b = try ExperimentsSupport.image(call, "to")
            let t = try call.arguments.double("t")
            guard t.isFinite, (0...1).contains(t) else {
                throw call.arguments.error("ValueError", "'t' must be from 0 to 1, got \(Value.format(t))", at: "t")
            }
            return .host(try ExperimentsSupport.run(call) {
                try PathExplorer.make(model: model, from: a, to: b, start: t, in: call.context.session.comms)
            })
        },
        .function("explore", [
            .positional("model", .host("Model"), doc: "the model"),
            .labeled("at", .host("Image"), doc: "the image whose code the sliders start at"),
            .labeled("on", ExperimentsSupport.data, doc: "a Dataset (its test split) or a Split whose codes set the directions and ranges"),
        ], returns: .host("Widget"),
        summary: "Sliders over the latent code of an image (one per dimension, or the top 8 principal directions).",
        doc: """
            With a latent of at most 8 dimensions there is one slider per dimension; otherwise one per \
            principal direction of the codes of `on` (the top 8). Each slider spans the codes' mean ± 3 \
            standard deviations along its direction (widened to reach the image's own code). Moving one \
            decodes the code and shows ‖J‖_F and σ₁ there; the reset button puts every slider back at the \
            image's code.
            Example:
                explore(conv, at: data.test[3], on: data.test)
            """) { call in
            let model = try ExperimentsSupport.model(call)
            let image = try ExperimentsSupport.image(call, "at")
            let data = try ImageBatch.from(.host(try ExperimentsSupport.split(call, "on")), argument: "on", in: call)
            return .host(try ExperimentsSupport.run(call) {
                try LatentExplorer.make(model: model, at: image, on: data, in: call.context.session.comms,
                                        cancellation: call.context.execution.cancellation)
            })
        },
    ])
}
