/// The article's experiments on a model, seen through its training data's pixel order: images
/// and decoded images are in original pixel order. Each returns plain values that the script
/// layer renders (strips, plots, tables).
public enum Experiments {
    /// Images [[Float]] (each D values) as a tensor [N, D].
    static func batch(_ images: [[Float]], of model: AutoEncoderModel) throws -> Tensor {
        let d = model.dataSize
        for (k, image) in images.enumerated() where image.count != d {
            throw ExperimentError.invalidArgument("image \(k) has \(image.count) pixels; \(model.name) expects \(d)")
        }
        return try Tensor(shape: [images.count, d], scalars: images.flatMap { $0 })
    }

    /// The rows of a [N, …] tensor as arrays.
    static func rows(_ t: Tensor) -> [[Float]] {
        let n = t.batchSize
        guard n > 0 else { return [] }
        let width = t.count / n
        return (0..<n).map { Array(t.scalars[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// The codes e(x) of images in original pixel order.
    public static func codes(_ model: AutoEncoderModel, of images: [[Float]],
                             cancellation: CancellationToken? = nil) throws -> [[Float]] {
        rows(try model.encode(originals: batch(images, of: model), cancellation: cancellation))
    }

    /// The decoded images r(z), in original pixel order.
    public static func decoded(_ model: AutoEncoderModel, codes: [[Float]],
                               cancellation: CancellationToken? = nil) throws -> [[Float]] {
        let e = model.latentSize
        guard codes.allSatisfy({ $0.count == e }) else {
            throw ExperimentError.invalidArgument("\(model.name) decodes codes of \(e) values")
        }
        let z = try Tensor(shape: [codes.count, e], scalars: codes.flatMap { $0 })
        return rows(try model.decode(toOriginals: z, cancellation: cancellation))
    }

    /// r(e(x)) for images in original pixel order.
    public static func reconstructions(_ model: AutoEncoderModel, of images: [[Float]],
                                       cancellation: CancellationToken? = nil) throws -> [[Float]] {
        rows(try model.reconstruct(originals: batch(images, of: model), cancellation: cancellation))
    }

    /// The decoded images along z(t) = (1 − t) e(a) + t e(b) at `steps` points (both ends included).
    public static func interpolation(
        _ model: AutoEncoderModel, from a: [Float], to b: [Float], steps: Int,
        cancellation: CancellationToken? = nil
    ) throws -> [[Float]] {
        let ends = try codes(model, of: [a, b], cancellation: cancellation)
        let path = try LatentPath(from: ends[0], to: ends[1], count: steps)
        return try decoded(model, codes: path.points, cancellation: cancellation)
    }

    /// The decoded images and the analysis (Jacobian norms, steps, Lemma 1) of the path from e(a) to e(b).
    public static func path(
        _ model: AutoEncoderModel, from a: [Float], to b: [Float], steps: Int,
        cancellation: CancellationToken? = nil
    ) throws -> (decoded: [[Float]], analysis: PathAnalysis) {
        let ends = try codes(model, of: [a, b], cancellation: cancellation)
        return try path(model, fromCode: ends[0], toCode: ends[1], steps: steps, cancellation: cancellation)
    }

    /// The same, between two latent codes.
    public static func path(
        _ model: AutoEncoderModel, fromCode za: [Float], toCode zb: [Float], steps: Int,
        cancellation: CancellationToken? = nil
    ) throws -> (decoded: [[Float]], analysis: PathAnalysis) {
        let path = try LatentPath(from: za, to: zb, count: steps)
        let points = try Tensor(shape: [path.count, path.latentCount], scalars: path.points.flatMap { $0 })
        let decodedImages = rows(try model.decode(toOriginals: points, cancellation: cancellation))
        let jacobians = try model.jacobians(toOriginalsAt: points, cancellation: cancellation)
        return (decodedImages, try PathAnalysis(path: path, jacobians: jacobians, decoded: decodedImages))
    }

    /// ‖∂r_p/∂z‖ for every pixel p (original order) at e(image): where the decoder is sensitive.
    public static func jacobianMap(_ model: AutoEncoderModel, at image: [Float]) throws -> [Double] {
        let code = try model.encode(originals: batch([image], of: model))
        let j = try model.jacobians(toOriginalsAt: code)
        let d = j.shape[1], e = j.shape[2]
        return (0..<d).map { p in
            var sum = 0.0
            for k in 0..<e { let v = Double(j.scalars[p * e + k]); sum += v * v }
            return sum.squareRoot()
        }
    }

    /// The L2 recover loss (and per-image errors) of the model on `images`.
    public static func reconstructionLoss(
        _ model: AutoEncoderModel, on images: [[Float]], cancellation: CancellationToken? = nil
    ) throws -> ReconstructionLoss {
        let errors = try reconstructionErrors(model, onOriginals: batch(images, of: model), cancellation: cancellation)
        return try ReconstructionLoss(perImageErrors: errors.scalars.map(Double.init), pixelCount: model.dataSize)
    }

    /// The codes of `images` projected onto their first two principal axes.
    public static func latentProjection(
        _ model: AutoEncoderModel, of images: [[Float]], cancellation: CancellationToken? = nil
    ) throws -> CodeProjection {
        try CodeProjection(codes: codes(model, of: images, cancellation: cancellation))
    }

    /// The translation path of `image` (width×height, one channel), shifted by each of `shifts`
    /// pixels horizontally (or vertically), zero-filled.
    public static func translation(
        _ model: AutoEncoderModel, image: [Float], width: Int, height: Int, shifts: [Int],
        vertical: Bool = false, cancellation: CancellationToken? = nil
    ) throws -> (inputs: [[Float]], reconstructions: [[Float]], analysis: TranslationAnalysis) {
        var inputs: [[Float]] = []
        for s in shifts {
            inputs.append(try ImageShift.shifted(image, width: width, height: height, dx: vertical ? 0 : s, dy: vertical ? s : 0))
        }
        let latents = try codes(model, of: inputs, cancellation: cancellation)
        let reconstructions = try decoded(model, codes: latents, cancellation: cancellation)
        let analysis = try TranslationAnalysis(shifts: shifts, inputs: inputs, latents: latents, reconstructions: reconstructions)
        return (inputs, reconstructions, analysis)
    }

    /// The article's unfinished Jacobian-norm figure for one model: ‖J‖_F along the paths between
    /// seeded pairs, within and across two classes, each summarised as a band (mean ± sd per t).
    public static func jacobianNormStudy(
        _ model: AutoEncoderModel, images: [[Float]], labels: [Int], classes: [Int]? = nil,
        pairs count: Int, steps: Int, seed: UInt64, cancellation: CancellationToken? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> JacobianNormStudy {
        guard images.count == labels.count else {
            throw ExperimentError.invalidArgument("\(images.count) images but \(labels.count) labels")
        }
        let pairs = try ClassPairs(labels: labels, classes: classes, count: count, seed: seed)
        let needed = Array(Set((pairs.within + pairs.across).flatMap { [$0.first, $0.second] })).sorted()
        let neededCodes = try codes(model, of: needed.map { images[$0] }, cancellation: cancellation)
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
