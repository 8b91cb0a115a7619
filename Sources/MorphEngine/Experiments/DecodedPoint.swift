/// What the decoder does at one latent point: the decoded image and the size of its Jacobian there.
public struct DecodedPoint: Sendable, Equatable {
    /// r(z), in original pixel order.
    public let image: [Float]
    /// ‖dr/dz‖_F at z.
    public let frobeniusNorm: Double
    /// The largest singular value of dr/dz at z.
    public let largestSingularValue: Double
}

extension Experiments {
    /// r(z) and the norms of the decoder Jacobian at z: one decode and one Jacobian.
    public static func decodedPoint(_ model: AutoEncoderModel, at code: [Float]) throws -> DecodedPoint {
        guard code.count == model.latentSize else {
            throw ExperimentError.invalidArgument("\(model.name) decodes codes of \(model.latentSize) values, got \(code.count)")
        }
        guard code.allSatisfy(\.isFinite) else {
            throw ExperimentError.invalidArgument("the latent code holds NaN or infinite values")
        }
        let z = try Tensor(shape: [1, code.count], scalars: code)
        let image = try model.decode(toOriginals: z)
        let norms = try jacobianNorms(try model.jacobians(toOriginalsAt: z))
        return DecodedPoint(image: Array(image.scalars), frobeniusNorm: Double(norms.frobenius[0]),
                            largestSingularValue: Double(norms.spectral[0]))
    }
}
