/// An engine autoencoder seen by the experiments, optionally through the pixel permutation of
/// the shuffled data it was trained on: images go in and come out in their original pixel
/// order, so strips, maps and losses compare with models trained on unshuffled data.
public struct EngineModelAdapter: ExperimentModel {
    /// The model.
    public let model: AutoEncoderModel
    /// Stored pixel i of the training data was original pixel `pixelPermutation[i]` (nil: none).
    public let pixelPermutation: [Int]?

    /// An adapter for `model`, with the permutation of its training data if any.
    public init(_ model: AutoEncoderModel, pixelPermutation: [Int]? = nil) throws(ExperimentError) {
        if let p = pixelPermutation, p.count != model.dataSize || Set(p) != Set(0..<model.dataSize) {
            throw .invalidArgument("the pixel permutation must rearrange all \(model.dataSize) pixels, got \(p.count) indices")
        }
        self.model = model
        self.pixelPermutation = pixelPermutation
    }

    public var latentCount: Int { model.latentSize }

    /// Original pixel order → the model's (shuffled) order.
    public func toModelOrder(_ image: [Float]) -> [Float] {
        guard let p = pixelPermutation else { return image }
        return p.map { image[$0] }
    }

    /// The model's (shuffled) order → original pixel order.
    public func toOriginalOrder(_ values: [Float]) -> [Float] {
        guard let p = pixelPermutation else { return values }
        var restored = values
        for (i, source) in p.enumerated() { restored[source] = values[i] }
        return restored
    }

    public func encode(_ images: [[Float]]) throws -> [[Float]] {
        let d = model.dataSize
        var flat: [Float] = []
        flat.reserveCapacity(images.count * d)
        for (k, image) in images.enumerated() {
            guard image.count == d else {
                throw ExperimentError.invalidArgument("image \(k) has \(image.count) pixels; \(model.name) expects \(d)")
            }
            flat += toModelOrder(image)
        }
        let codes = try model.encode(try Tensor(shape: [images.count, d], scalars: flat))
        return Self.rows(codes.scalars, count: images.count)
    }

    public func decode(_ codes: [[Float]]) throws -> [[Float]] {
        let e = model.latentSize
        guard codes.allSatisfy({ $0.count == e }) else {
            throw ExperimentError.invalidArgument("\(model.name) decodes codes of \(e) values")
        }
        let images = try model.decode(try Tensor(shape: [codes.count, e], scalars: codes.flatMap { $0 }))
        return Self.rows(images.scalars, count: codes.count).map(toOriginalOrder)
    }

    /// dr/dz by the engine's batched forward mode (`jacobian(of:at:)`), rows in original pixel order.
    public func decoderJacobians(at codes: [[Float]]) throws -> [DecoderJacobian] {
        let e = model.latentSize, d = model.dataSize, n = codes.count
        guard n > 0 else { return [] }
        guard codes.allSatisfy({ $0.count == e }) else {
            throw ExperimentError.invalidArgument("\(model.name) decodes codes of \(e) values")
        }
        let all = try jacobian(of: model, at: try Tensor(shape: [n, e], scalars: codes.flatMap { $0 }))
        guard all.shape == [n, d, e] else {
            throw ExperimentError.invalidArgument("\(model.name)'s Jacobian has shape \(all.shape); expected [\(n), \(d), \(e)]")
        }
        let scalars = all.scalars
        var jacobians: [DecoderJacobian] = []
        jacobians.reserveCapacity(n)
        for s in 0..<n {
            var entries = Array(scalars[(s * d * e)..<((s + 1) * d * e)])
            if let p = pixelPermutation {
                // Row i belongs to original pixel p[i].
                let shuffled = entries
                for (i, source) in p.enumerated() {
                    for k in 0..<e { entries[source * e + k] = shuffled[i * e + k] }
                }
            }
            jacobians.append(try DecoderJacobian(pixelCount: d, latentCount: e, entries: entries))
        }
        return jacobians
    }

    /// Splits row-major values into `count` equal rows.
    static func rows(_ values: [Float], count: Int) -> [[Float]] {
        guard count > 0 else { return [] }
        let width = values.count / count
        return (0..<count).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }
}
