import MorphEngine
import MorphJSON
import MorphRender

extension Library {
    /// The article's experiments (issue 5, "Experiments").
    static let experimentsAnalysis = Library(name: "experiments-analysis", builtins: [
        .function("losses", [
            .positional("models", ExperimentsSupport.models, doc: "the models to compare"),
            .labeled("on", ExperimentsSupport.images, doc: "the images to reconstruct, e.g. data.test"),
        ], returns: .host("Table"),
        summary: "A table of each model's parameters, L2 recover loss, per-pixel MSE and training time.",
        doc: """
            L2 recover loss = mean over the images of Σ_pixels (x − r(e(x)))²; per-pixel MSE \
            divides it by 784. The article's 1214 / 702 / 530 appear to be summed over a batch of about 100.
            Example:
                losses([shallow, bakeoff, conv], on: data.test)
            """) { call in
            let models = try ExperimentsSupport.models(call)
            let batch = try ImageBatch.from(call.arguments["on"], argument: "on", in: call)
            var rows: [LossTableRow] = []
            for model in models {
                try call.context.checkCancellation()
                let loss = try ExperimentsSupport.run(call) {
                    try Experiments.reconstructionLoss(model.model, on: batch.images, cancellation: call.context.execution.cancellation)
                }
                model.lastLoss = (loss.l2RecoverLoss, batch.description)
                rows.append(LossTableRow(model: ExperimentsSupport.label(of: model), parameterCount: model.model.parameterCount,
                                         loss: loss, trainingSeconds: model.trainingSeconds))
            }
            let table = try ExperimentsSupport.run(call) {
                try Table(columns: [
                    Column("model", texts: rows.map(\.model)),
                    Column("parameters", integers: rows.map(\.parameterCount)),
                    Column("L2 recover loss", numbers: rows.map(\.loss.l2RecoverLoss), precision: 2),
                    Column("per-pixel MSE", numbers: rows.map(\.loss.meanSquaredError), precision: 5),
                    Column("training time (s)", numbers: rows.map(\.trainingSeconds), precision: 1),
                ], title: "Reconstruction on \(batch.description) (\(batch.count) images)")
            }
            return .host(TableValue(table: table, provenance: Provenance(data: batch.description, models: models.map(\.label))))
        },
        .function("interpolate", [
            .positional("model", .host("Model"), doc: "the model"),
            .labeled("from", .host("Image"), doc: "the first image, a"),
            .labeled("to", .host("Image"), doc: "the second image, b"),
            .labeled("steps", .int, default: .int(10), doc: "decoded points along the latent line, ends included"),
        ], returns: .host("Picture"),
        summary: "The article's strip: r((1 − t) e(a) + t e(b)) at evenly spaced t, between the originals.",
        doc: "Captioned with the model's L2 recover loss (its last measured test loss).\nExample:\n    interpolate(conv, from: data.test[3], to: data.test[42], steps: 10)") { call in
            let model = try ExperimentsSupport.model(call)
            let a = try ExperimentsSupport.image(call, "from"), b = try ExperimentsSupport.image(call, "to")
            return try interpolation(model, pairs: [(a, b)], steps: try ExperimentsSupport.int(call, "steps", in: 2...256), call)
        },
        .function("interpolate", [
            .positional("model", .host("Model"), doc: "the model"),
            .labeled("pairs", .array, doc: "[[a, b], …]: one strip per pair"),
            .labeled("steps", .int, default: .int(10), doc: "decoded points along each latent line, ends included"),
        ], returns: .host("Picture"),
        summary: "Several interpolation strips, one row per pair of images.",
        doc: "Example:\n    interpolate(conv, pairs: [[data.test[0], data.test[1]], [data.test[2], data.test[3]]], steps: 10)") { call in
            let model = try ExperimentsSupport.model(call)
            var pairs: [(ImageValue, ImageValue)] = []
            for item in try call.arguments.array("pairs") {
                guard case .array(let two) = item, two.count == 2,
                      case .host(let a as ImageValue) = two[0], case .host(let b as ImageValue) = two[1] else {
                    throw call.arguments.error("TypeError", "'pairs' must be an array of [image, image] pairs, found \(item.repr.prefix(60))", at: "pairs")
                }
                pairs.append((a, b))
            }
            guard !pairs.isEmpty else { throw call.arguments.error("ValueError", "'pairs' is empty", at: "pairs") }
            return try interpolation(model, pairs: pairs, steps: try ExperimentsSupport.int(call, "steps", in: 2...256), call)
        },
        .function("path", [
            .positional("model", .host("Model"), doc: "the model"),
            .labeled("from", .host("Image"), doc: "the first image, a (z_a = e(a))"),
            .labeled("to", .host("Image"), doc: "the second image, b (z_b = e(b))"),
            .labeled("steps", .int, default: .int(64), doc: "T, points along the latent line"),
        ], returns: .host("Path"),
        summary: "The decoder Jacobian along z(t) = (1 − t) z_a + t z_b, the step sizes, and Lemma 1.",
        doc: """
            At every point: ‖J‖_F, its largest singular value and ‖J u‖ along the direction travelled; \
            the step L2 between consecutive decoded images and its coefficient of variation; and Lemma 1 \
            (‖Δr‖ ≤ Σ step L2, ‖Δr‖ ≤ ‖Δz‖·mean ‖J u‖ ≤ ‖Δz‖·mean ‖J‖_F, ‖Δr‖² ≤ ‖Δz‖²·mean ‖J‖_F²) with \
            each check. Shown as a plot and a table. Members: p.jacobianNorms, p.steps, p.lemma1; \
            export(p, to: "path.json") writes every series.
            Example:
                let p = path(conv, from: data.test[3], to: data.test[42], steps: 64)
            """) { call in
            let model = try ExperimentsSupport.model(call)
            let a = try ExperimentsSupport.image(call, "from"), b = try ExperimentsSupport.image(call, "to")
            let steps = try ExperimentsSupport.int(call, "steps", in: 2...4096)
            let (decoded, analysis) = try ExperimentsSupport.run(call) {
                try Experiments.path(model.model, from: a.originalPixels, to: b.originalPixels, steps: steps,
                                     cancellation: call.context.execution.cancellation)
            }
            return .host(PathValue(
                analysis: analysis, decoded: decoded, width: a.width, height: a.height,
                modelName: ExperimentsSupport.label(of: model), endpoints: "\(a.name) → \(b.name)",
                provenance: Provenance(data: "\(a.name), \(b.name)", models: [model.label])))
        },
        .function("reconstruct", [
            .positional("model", .host("Model"), doc: "the model"),
            .positional("images", ExperimentsSupport.images, doc: "an image, a range such as data.test[0..<8], or an array of images"),
        ], returns: .host("Picture"),
        summary: "Originals (top row) beside their reconstructions r(e(x)) (bottom row).",
        doc: "Example:\n    reconstruct(conv, data.test[0..<8])") { call in
            let model = try ExperimentsSupport.model(call)
            let batch = try ImageBatch.from(call.arguments["images"], argument: "images", in: call)
            guard batch.count <= 64 else {
                throw call.arguments.error("ValueError", "reconstruct shows at most 64 images; pass a range such as data.test[0..<16]", at: "images")
            }
            let reconstructions = try ExperimentsSupport.run(call) { try Experiments.reconstructions(model.model, of: batch.images, cancellation: call.context.execution.cancellation) }
            let loss = try ExperimentsSupport.run(call) { try Experiments.reconstructionLoss(model.model, on: batch.images) }
            let image = try ExperimentsSupport.run(call) {
                try ImageGrid.strips([batch.images, reconstructions.map(clamped)], width: batch.width, height: batch.height,
                                     scale: 2, labels: ["original", "reconstruction"])
            }
            let caption = "\(ExperimentsSupport.label(of: model)): \(batch.count) reconstructions, L2 recover loss "
                + NumberText.significant(loss.l2RecoverLoss) + " on these images"
            return .host(PictureValue(image: image, caption: caption,
                                      provenance: Provenance(data: batch.description, models: [model.label])))
        },
        .function("latents", [
            .positional("model", .host("Model"), doc: "the model"),
            .labeled("on", ExperimentsSupport.data, doc: "a Dataset (its test split) or a Split"),
        ], returns: .host("Figure"),
        summary: "The codes of a split projected to 2-D (PCA of the codes), as a scatter coloured by class.",
        doc: "Example:\n    latents(conv, on: data.test)") { call in
            let model = try ExperimentsSupport.model(call)
            let split = try ExperimentsSupport.split(call, "on")
            let batch = try ImageBatch.from(.host(split), argument: "on", in: call)
            let projection = try ExperimentsSupport.run(call) {
                try Experiments.latentProjection(model.model, of: batch.images, cancellation: call.context.execution.cancellation)
            }
            let classes = zip(batch.labels, batch.classNames).map { label, name in
                label.map { "\($0) \(name ?? "")" } ?? "?"
            }
            let order = Set(split.split.labels).sorted().map { "\($0) \(split.dataset.className(of: $0))" }
            let variance = projection.explainedVariance.map { NumberText.fixed($0 * 100, decimals: 1) + " %" }
            let chart = try ExperimentsSupport.run(call) {
                try Chart.scatter(x: projection.x, y: projection.y, classes: classes, classOrder: order,
                                  title: "Latent codes of \(ExperimentsSupport.label(of: model)) on \(split.dataDescription)",
                                  xLabel: "PC 1 (\(variance[0]))", yLabel: "PC 2 (\(variance[1]))")
            }
            var data = projection.json.objectValue ?? [:]
            data["labels"] = .array(batch.labels.map { $0.map { .number(Double($0)) } ?? .null })
            return .host(FigureValue(chart: chart, data: .object(data),
                                     provenance: Provenance(data: split.dataDescription, models: [model.label])))
        },
        .function("jacobianMap", [
            .positional("model", .host("Model"), doc: "the model"),
            .labeled("at", .host("Image"), doc: "the image whose code z = e(x) is the point"),
        ], returns: .host("Picture"),
        summary: "The per-pixel magnitude ‖∂r_p/∂z‖ at e(x) as a heat map, beside the image.",
        doc: "Bright pixels are those the latent code moves most.\nExample:\n    jacobianMap(conv, at: data.test[0])") { call in
            let model = try ExperimentsSupport.model(call)
            let image = try ExperimentsSupport.image(call, "at")
            let map = try ExperimentsSupport.run(call) { try Experiments.jacobianMap(model.model, at: image.originalPixels) }
            let values = map.map(Float.init)
            let picture = try ExperimentsSupport.run(call) { () throws -> RasterImage in
                let heat = try Heatmap.grid([values], width: image.width, height: image.height, colormap: .viridis, scale: 8)
                let original = try RasterImage(gray: image.originalPixels, width: image.width, height: image.height).scaled(by: 8).rgb()
                return try ImageGrid.compose([original, heat], columns: 2, padding: 4)
            }
            let total = map.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let caption = "‖∂r_p/∂z‖ of \(ExperimentsSupport.label(of: model)) at \(image.name): max "
                + NumberText.significant(map.max() ?? 0) + ", ‖J‖_F " + NumberText.significant(total)
            return .host(PictureValue(image: picture, caption: caption,
                                      provenance: Provenance(data: image.name, models: [model.label])))
        },
        .function("jacobianNorms", [
            .positional("models", ExperimentsSupport.models, doc: "the models to compare"),
            .labeled("on", ExperimentsSupport.data, doc: "a Dataset (its test split) or a Split, e.g. data.test"),
            .labeled("pairs", .int, default: .int(20), doc: "pairs drawn within classes, and as many across"),
            .labeled("steps", .int, default: .int(64), doc: "T, points along each path"),
            .labeled("seed", .int, default: .int(0), doc: "fixes which pairs are drawn"),
        ], returns: .host("Figure"),
        summary: "The article's unfinished figure: ‖J‖_F along paths between seeded random pairs, mean ± sd per model.",
        doc: """
            Pairs are drawn within one class and across the first two classes, reported as separate bands \
            (mean ± population sd at every t). Lemma 1 is checked on every path; export(…, to: "x.json") \
            writes every path's series.
            Example:
                jacobianNorms([shallow, bakeoff, conv], on: data.test, pairs: 20, steps: 64, seed: 0)
            """) { call in
            let models = try ExperimentsSupport.models(call)
            let split = try ExperimentsSupport.split(call, "on")
            let count = try ExperimentsSupport.int(call, "pairs", in: 1...10_000)
            let steps = try ExperimentsSupport.int(call, "steps", in: 2...4096)
            let seed = try ExperimentsSupport.seed(call)
            let batch = try ImageBatch.from(.host(split), argument: "on", in: call)
            let labels = split.split.labels
            var series: [Series] = []
            var data: [String: JSON] = [:]
            var failures: [String] = []
            let output = call.context.execution.output
            let displayID = "morph-jacobian-norms-\(call.context.execution.executionCount)-\(Training.nextRunNumber())"
            output.display(MimeBundle(plainText: "jacobianNorms: starting"), displayID: displayID)
            var throttle = UpdateThrottle(interval: Training.updateInterval)
            let start = ContinuousClock.now
            for (index, model) in models.enumerated() {
                let name = ExperimentsSupport.label(of: model)
                let study = try ExperimentsSupport.run(call) {
                    try Experiments.jacobianNormStudy(
                        model.model, images: batch.images, labels: labels, pairs: count, steps: steps, seed: seed,
                        cancellation: call.context.execution.cancellation
                    ) { done, total in
                        if throttle.shouldUpdate(at: ExperimentsSupport.seconds(since: start)) {
                            output.updateDisplay(MimeBundle(plainText: "jacobianNorms: \(name) (model \(index + 1) of \(models.count)), path \(done) of \(total)"), displayID: displayID)
                        }
                    }
                }
                let t = study.positions
                for (kind, band) in [("within class", study.withinBand), ("across classes", study.acrossBand)] {
                    guard let band else { continue }
                    var bandSeries = try ExperimentsSupport.run(call) {
                        try Series.band(name: "\(name), \(kind)", x: t, mean: band.mean, sd: band.standardDeviation)
                    }
                    bandSeries.group = name  // one model's within and across bands share a hue
                    series.append(bandSeries)
                }
                if !study.lemma1Holds { failures.append(name) }
                data["\(index) \(name)"] = study.json
            }
            output.updateDisplay(MimeBundle(plainText: "jacobianNorms: \(models.count) model(s), \(count) pairs each kind, done"), displayID: displayID)
            let classes = Set(labels).sorted().prefix(2).map { "\($0) \(split.dataset.className(of: $0))" }.joined(separator: " / ")
            let chart = Chart(title: "‖J‖_F along latent paths, mean ± sd over \(count) pairs (\(classes))",
                              xLabel: "t", yLabel: "‖dr/dz‖_F", series: series)
            if !failures.isEmpty {
                call.context.write("warning: Lemma 1 failed on a path of \(failures.joined(separator: ", ")) (see the exported JSON)\n", to: .stderr)
            }
            data["lemma1HoldsOnEveryPath"] = .bool(failures.isEmpty)
            return .host(FigureValue(chart: chart, data: .object(data),
                                     provenance: Provenance(seed: seed, data: split.dataDescription, models: models.map(\.label))))
        },
        .function("translation", [
            .positional("model", .host("Model"), doc: "the model"),
            .positional("image", .host("Image"), doc: "the image to shift"),
            .labeled("shifts", .range, default: Literal.none, doc: "pixel shifts, e.g. 0...6 (the default), moved right with zero fill"),
        ], returns: .host("Figure"),
        summary: "The latent path of a shifted image: latent, input and reconstruction step sizes per shift.",
        doc: """
            Tests the article's "weakly linear" claim: for a CNN the latent steps ‖z_{k+1} − z_k‖ should stay \
            even and the latent path straight. The title gives the latent steps' coefficient of variation \
            and the path's straightness ‖z_K − z_0‖ / Σ‖z_{k+1} − z_k‖ (1 = straight).
            Example:
                translation(conv, data.test[0], shifts: 0...6)
            """) { call in
            let model = try ExperimentsSupport.model(call)
            let image = try ExperimentsSupport.image(call, "image")
            var shifts = Array(0...6)
            if case .range(let range) = call.arguments["shifts"] {
                guard let bounds = range.fullBounds, bounds.count >= 2, bounds.count <= 1000 else {
                    throw call.arguments.error("ValueError", "'shifts' must be a range of at least 2 shifts such as 0...6", at: "shifts")
                }
                shifts = Array(bounds)
            }
            let (_, _, analysis) = try ExperimentsSupport.run(call) {
                try Experiments.translation(model.model, image: image.originalPixels, width: image.width, height: image.height,
                                            shifts: shifts, cancellation: call.context.execution.cancellation)
            }
            let x = shifts.dropFirst().map(Double.init)
            let series = try ExperimentsSupport.run(call) { [
                try Series(name: "latent ‖z_{k+1} − z_k‖", x: x, y: analysis.latentSteps, mark: .line),
                try Series(name: "input ‖x_{k+1} − x_k‖", x: x, y: analysis.inputSteps, mark: .line),
                try Series(name: "reconstruction ‖r_{k+1} − r_k‖", x: x, y: analysis.reconstructionSteps, mark: .line),
            ] }
            let title = "Translation of \(image.name), \(ExperimentsSupport.label(of: model)): latent step CV "
                + NumberText.significant(analysis.latentStepVariation, digits: 3) + ", straightness "
                + NumberText.significant(analysis.latentStraightness, digits: 3)
            let chart = Chart(title: title, xLabel: "shift (pixels)", yLabel: "step L2", series: series)
            var data = analysis.json.objectValue ?? [:]
            data["model"] = .string(ExperimentsSupport.label(of: model))
            data["image"] = .string(image.name)
            return .host(FigureValue(chart: chart, data: .object(data),
                                     provenance: Provenance(data: image.name, models: [model.label])))
        },
        .function("compare", [
            .positional("items", .array, doc: "histories (from train) or paths (from path)"),
        ], returns: .host("Figure"),
        summary: "Overlays several models' curves: loss per epoch (or tracked examples' losses) for histories, ‖J‖_F along t for paths.",
        doc: """
            Histories with tracked examples give the article's unfinished per-example loss plot: one curve per \
            model and example.
            Example:
                compare([hShallow, hBakeoff, hConv])
                compare([pShallow, pConv])
            """) { call in
            try comparison(call)
        },
        .property(of: PathValue.self, on: "Path", "jacobianNorms", returns: .array(of: .double), summary: "‖J‖_F at every point.") { p in
            .array(p.analysis.frobeniusNorms.map { .double($0) })
        },
        .property(of: PathValue.self, on: "Path", "singularValues", returns: .array(of: .double), summary: "The largest singular value of J at every point.") { p in
            .array(p.analysis.largestSingularValues.map { .double($0) })
        },
        .property(of: PathValue.self, on: "Path", "directionalNorms", returns: .array(of: .double), summary: "‖J u‖ along the direction travelled, at every point.") { p in
            .array(p.analysis.directionalNorms.map { .double($0) })
        },
        .property(of: PathValue.self, on: "Path", "steps", returns: .array(of: .double), summary: "Step L2 between consecutive decoded images.") { p in
            .array(p.analysis.stepLengths.map { .double($0) })
        },
        .method(on: "Figure", "measurement", [.positional("name", .string, doc: "the name of a number or series the experiment computed")],
                returns: .either(.double, .array(of: .double)),
                summary: "A number or series the experiment behind a figure computed (as in its .json export).",
                doc: """
                    For a translation figure: latentStepCoefficientOfVariation, latentStraightness, \
                    reconstructionStepCoefficientOfVariation, latentSteps, inputSteps, reconstructionSteps. \
                    An unknown name is an error listing the names the figure has.
                    Example:
                        translation(conv, data.test[0], shifts: 0...6).measurement("latentStraightness")
                    """) { call in
            guard case .host(let object) = call.receiver, let figure = object as? FigureValue else { return .none }
            let name = try call.arguments.string("name")
            let fields = figure.data?.objectValue ?? [:]
            func number(_ json: JSON) -> Value? {
                if case .number(let x) = json { return .double(x) }
                if case .null = json { return .double(.nan) }
                return nil
            }
            let numeric = fields.filter { key, value in
                if number(value) != nil { return true }
                if case .array(let items) = value { return items.allSatisfy { number($0) != nil } }
                return false
            }
            guard let value = numeric[name] else {
                let known = numeric.keys.sorted()
                throw call.arguments.error("ValueError", known.isEmpty
                    ? "this figure keeps no measurements"
                    : "this figure has no measurement '\(name)'; it has \(known.joined(separator: ", "))", at: "name")
            }
            if case .array(let items) = value { return .array(items.compactMap(number)) }
            return number(value) ?? .none
        },
        .property(of: PathValue.self, on: "Path", "stepVariation", returns: .double, summary: "The steps' coefficient of variation (0 = perfectly even).") { p in
            .double(p.analysis.stepVariation)
        },
        .property(of: PathValue.self, on: "Path", "t", returns: .array(of: .double), summary: "The positions t in [0, 1].") { p in
            .array(p.analysis.positions.map { .double($0) })
        },
        .property(of: PathValue.self, on: "Path", "lemma1", returns: .host("Table"), summary: "Lemma 1's quantities and checks, as a table.") { p in
            guard let table = p.table else { return .none }
            return .host(TableValue(table: table, provenance: p.provenance))
        },
        .property(of: PathValue.self, on: "Path", "holds", returns: .bool, summary: "Whether every Lemma 1 check holds on this path.") { p in
            .bool(p.analysis.lemma1.holds)
        },
        .property(of: PathValue.self, on: "Path", "images", returns: .host("Picture"), summary: "The decoded images along the path, as a strip.") { p in
            guard let strip = p.strip else { return .none }
            return .host(PictureValue(image: strip, caption: "decoded along \(p.endpoints) (\(p.modelName))", provenance: p.provenance))
        },
    ], types: [
        TypeDoc(name: "Path", summary: "Jacobian norms, step sizes and Lemma 1 along a latent path: p.jacobianNorms, p.steps, p.lemma1."),
        TypeDoc(name: "Figure", summary: "A plot (SVG + Vega-Lite) with provenance; export as .svg, .html, .csv or .json."),
        TypeDoc(name: "Table", summary: "A table with provenance; export as .csv, .md, .html, .json or .txt."),
        TypeDoc(name: "Picture", summary: "An image (strip, reconstruction, heat map) with provenance; export as .png."),
    ])
}

/// Values clamped to [0, 1] for drawing (PCA and decoders without a sigmoid overshoot).
private func clamped(_ image: [Float]) -> [Float] { image.map { min(1, max(0, $0)) } }

/// The strips of `interpolate`.
private func interpolation(_ model: ModelValue, pairs: [(ImageValue, ImageValue)], steps: Int, _ call: Invocation) throws(ScriptError) -> Value {
    var rows: [[[Float]]] = []
    var labels: [String] = []
    for (a, b) in pairs {
        try call.context.checkCancellation()
        let decoded = try ExperimentsSupport.run(call) {
            try Experiments.interpolation(model.model, from: a.originalPixels, to: b.originalPixels, steps: steps,
                                          cancellation: call.context.execution.cancellation)
        }
        rows.append([a.originalPixels] + decoded.map(clamped) + [b.originalPixels])
        labels.append(pairs.count > 1 ? "\(rows.count)" : "")
    }
    let width = pairs[0].0.width, height = pairs[0].0.height
    let image = try ExperimentsSupport.run(call) {
        try ImageGrid.strips(rows, width: width, height: height, scale: 2, labels: pairs.count > 1 ? labels : [])
    }
    let lossText: String
    if let (value, data) = model.lastLoss {
        lossText = "L2 recover loss " + NumberText.fixed(value, decimals: 2) + " on \(data)"
    } else {
        let loss = try ExperimentsSupport.run(call) {
            try Experiments.reconstructionLoss(model.model, on: pairs.flatMap { [$0.0.originalPixels, $0.1.originalPixels] })
        }
        lossText = "L2 recover loss " + NumberText.fixed(loss.l2RecoverLoss, decimals: 2) + " on the strip's end images"
    }
    let caption = "\(ExperimentsSupport.label(of: model)) interpolation, \(steps) steps (originals at both ends); \(lossText)"
    let data = pairs.map { "\($0.0.name) → \($0.1.name)" }.joined(separator: "; ")
    return .host(PictureValue(image: image, caption: caption, provenance: Provenance(data: data, models: [model.label])))
}

/// The figure of `compare`.
private func comparison(_ call: Invocation) throws(ScriptError) -> Value {
    let items = try call.arguments.array("items")
    guard !items.isEmpty else { throw call.arguments.error("ValueError", "'items' is empty; give histories or paths", at: "items") }
    var paths: [PathValue] = [], histories: [HistoryValue] = []
    for item in items {
        switch item {
        case .host(let p as PathValue): paths.append(p)
        case .host(let h as HistoryValue): histories.append(h)
        default:
            throw call.arguments.error("TypeError", "compare takes histories (from train) or paths (from path), found \(item.typeName)", at: "items")
        }
    }
    guard paths.isEmpty || histories.isEmpty else {
        throw call.arguments.error("TypeError", "compare either histories or paths, not both in one figure", at: "items")
    }
    var series: [Series] = []
    var data: [String: JSON] = [:]
    let chart: Chart
    if !paths.isEmpty {
        let sameEnds = Set(paths.map(\.endpoints)).count == 1
        for (k, p) in paths.enumerated() {
            let name = sameEnds ? p.modelName : "\(p.modelName), \(p.endpoints)"
            series.append(try ExperimentsSupport.run(call) { try Series(name: name, x: p.analysis.positions, y: p.analysis.frobeniusNorms) })
            data["\(k) \(name)"] = p.analysis.json
        }
        chart = Chart(title: "‖J‖_F along the path" + (sameEnds ? " \(paths[0].endpoints)" : ""), xLabel: "t",
                      yLabel: "‖dr/dz‖_F", series: series)
        return .host(FigureValue(chart: chart, data: .object(data),
                                 provenance: Provenance(data: paths.map(\.endpoints).joined(separator: "; "), models: paths.map(\.modelName))))
    }
    let tracked = histories.allSatisfy { ($0.tracked?.epochCount ?? 0) > 0 }
    for (k, h) in histories.enumerated() {
        data["\(k) \(h.modelName)"] = h.json
        if tracked, let t = h.tracked {
            for (i, example) in t.examples.enumerated() {
                let y = (try? t.series(forExample: i)) ?? []
                var exampleSeries = try ExperimentsSupport.run(call) {
                    try Series(name: "\(h.modelName), \(example)", x: (1...max(1, y.count)).prefix(y.count).map(Double.init), y: y)
                }
                exampleSeries.group = "\(k) \(h.modelName)"  // one model's examples share a hue
                series.append(exampleSeries)
            }
        } else {
            let y = h.testLoss.isEmpty ? h.trainLoss : h.testLoss
            series.append(try ExperimentsSupport.run(call) {
                try Series(name: h.modelName + (h.testLoss.isEmpty ? " train" : " test"),
                           x: (1...max(1, y.count)).prefix(y.count).map(Double.init), y: y)
            })
        }
    }
    let title = tracked ? "Loss of tracked examples per epoch" : "Loss per epoch"
    chart = Chart(title: title, xLabel: "epoch", yLabel: tracked ? "Σ (x − r)² of the example" : "loss per image", series: series)
    return .host(FigureValue(chart: chart, data: .object(data),
                             provenance: Provenance(data: histories.first?.provenance.data, models: histories.map(\.modelName))))
}
