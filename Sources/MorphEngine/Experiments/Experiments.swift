/// The article's experiments on any `ExperimentModel`: each returns plain values that the
/// script layer renders (strips, plots, tables).
public enum Experiments {
    /// The decoded images along z(t) = (1 − t) e(a) + t e(b) at `steps` points (both ends included).
    public static func interpolation(
        _ model: some ExperimentModel, from a: [Float], to b: [Float], steps: Int,
        cancellation: CancellationToken? = nil
    ) throws -> [[Float]] {
        let codes = try model.encodeAll([a, b], cancellation: cancellation)
        let path = try LatentPath(from: codes[0], to: codes[1], count: steps)
        return try model.decodeAll(path.points, cancellation: cancellation)
    }

    /// The decoded images and the analysis (Jacobian norms, steps, Lemma 1) of the path from e(a) to e(b).
    public static func path(
        _ model: some ExperimentModel, from a: [Float], to b: [Float], steps: Int,
        cancellation: CancellationToken? = nil
    ) throws -> (decoded: [[Float]], analysis: PathAnalysis) {
        let codes = try model.encodeAll([a, b], cancellation: cancellation)
        return try path(model, fromCode: codes[0], toCode: codes[1], steps: steps, cancellation: cancellation)
    }

    /// The same, between two latent codes.
    public static func path(
        _ model: some ExperimentModel, fromCode za: [Float], toCode zb: [Float], steps: Int,
        cancellation: CancellationToken? = nil
    ) throws -> (decoded: [[Float]], analysis: PathAnalysis) {
        let path = try LatentPath(from: za, to: zb, count: steps)
        let points = path.points
        let decoded = try model.decodeAll(points, cancellation: cancellation)
        let jacobians = try model.jacobiansAll(at: points, cancellation: cancellation)
        return (decoded, try PathAnalysis(path: path, jacobians: jacobians, decoded: decoded))
    }

    /// ‖∂r_p/∂z‖ for every pixel at e(image): where the decoder is sensitive.
    public static func jacobianMap(_ model: some ExperimentModel, at image: [Float]) throws -> [Double] {
        let code = try model.encodeAll([image])
        guard let jacobian = try model.decoderJacobians(at: code).first else {
            throw ExperimentError.invalidArgument("the model returned no Jacobian")
        }
        return jacobian.pixelSensitivities
    }

    /// The L2 recover loss (and per-image errors) of the model on `images`.
    public static func reconstructionLoss(
        _ model: some ExperimentModel, on images: [[Float]], cancellation: CancellationToken? = nil
    ) throws -> ReconstructionLoss {
        let reconstructions = try model.reconstructAll(images, cancellation: cancellation)
        return try ReconstructionLoss(originals: images, reconstructions: reconstructions)
    }

    /// The codes of `images` projected onto their first two principal axes.
    public static func latentProjection(
        _ model: some ExperimentModel, of images: [[Float]], cancellation: CancellationToken? = nil
    ) throws -> CodeProjection {
        try CodeProjection(codes: try model.encodeAll(images, cancellation: cancellation))
    }

    /// The translation path of `image` (width×height, one channel), shifted by each of `shifts`
    /// pixels horizontally (or vertically), zero-filled.
    public static func translation(
        _ model: some ExperimentModel, image: [Float], width: Int, height: Int, shifts: [Int],
        vertical: Bool = false, cancellation: CancellationToken? = nil
    ) throws -> (inputs: [[Float]], reconstructions: [[Float]], analysis: TranslationAnalysis) {
        var inputs: [[Float]] = []
        for s in shifts {
            inputs.append(try ImageShift.shifted(image, width: width, height: height, dx: vertical ? 0 : s, dy: vertical ? s : 0))
        }
        let codes = try model.encodeAll(inputs, cancellation: cancellation)
        let reconstructions = try model.decodeAll(codes, cancellation: cancellation)
        let analysis = try TranslationAnalysis(shifts: shifts, inputs: inputs, latents: codes, reconstructions: reconstructions)
        return (inputs, reconstructions, analysis)
    }

    /// The article's unfinished Jacobian-norm figure for one model: ‖J‖_F along the paths between
    /// seeded pairs, within and across two classes, each summarised as a band (mean ± sd per t).
    public static func jacobianNormStudy(
        _ model: some ExperimentModel, images: [[Float]], labels: [Int], classes: [Int]? = nil,
        pairs count: Int, steps: Int, seed: UInt64, cancellation: CancellationToken? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> JacobianNormStudy {
        guard images.count == labels.count else {
            throw ExperimentError.invalidArgument("\(images.count) images but \(labels.count) labels")
        }
        let pairs = try ClassPairs(labels: labels, classes: classes, count: count, seed: seed)
        let needed = Array(Set((pairs.within + pairs.across).flatMap { [$0.first, $0.second] })).sorted()
        let neededCodes = try model.encodeAll(needed.map { images[$0] }, cancellation: cancellation)
        var codeOf: [Int: [Float]] = [:]
        for (i, code) in zip(needed, neededCodes) { codeOf[i] = code }
        let total = pairs.within.count + pairs.across.count
        var done = 0
        func analyse(_ list: [ExamplePair]) throws -> [PathAnalysis] {
            var result: [PathAnalysis] = []
            for pair in list {
                try cancellation?.checkCancellation()
                guard let za = codeOf[pair.first], let zb = codeOf[pair.second] else { continue }
                result.append(try path(model, fromCode: za, toCode: zb, steps: steps, cancellation: cancellation).analysis)
                done += 1
                progress?(done, total)
            }
            return result
        }
        let within = try analyse(pairs.within)
        let across = try analyse(pairs.across)
        return try JacobianNormStudy(pairs: pairs, within: within, across: across)
    }
}

/// One model's Jacobian norms along seeded pairs' paths, within and across two classes.
public struct JacobianNormStudy: Sendable, Equatable {
    /// The pairs analysed.
    public let pairs: ClassPairs
    /// One analysis per within-class pair.
    public let within: [PathAnalysis]
    /// One analysis per across-class pair.
    public let across: [PathAnalysis]
    /// ‖J‖_F per t over within-class pairs.
    public let withinBand: Band?
    /// ‖J‖_F per t over across-class pairs (nil with one class).
    public let acrossBand: Band?

    /// A study from its analyses.
    public init(pairs: ClassPairs, within: [PathAnalysis], across: [PathAnalysis]) throws(ExperimentError) {
        self.pairs = pairs
        self.within = within
        self.across = across
        withinBand = within.isEmpty ? nil : try Band(series: within.map(\.frobeniusNorms))
        acrossBand = across.isEmpty ? nil : try Band(series: across.map(\.frobeniusNorms))
    }

    /// The positions t of every path.
    public var positions: [Double] { (within.first ?? across.first)?.positions ?? [] }

    /// Whether Lemma 1 held on every path of the study.
    public var lemma1Holds: Bool { (within + across).allSatisfy(\.lemma1.holds) }
}
