/// What a decoder does along a latent path z(t) = (1 − t) z_a + t z_b: the Jacobian's size at
/// every point, the steps between consecutive decoded images, and Lemma 1 (docs/ARCHITECTURE.md, "Definitions").
public struct PathAnalysis: Sendable, Equatable {
    /// The positions t_i in [0, 1].
    public let positions: [Double]
    /// ‖J(z(t_i))‖_F at every point.
    public let frobeniusNorms: [Double]
    /// σ_max(J(z(t_i))), the largest singular value, at every point.
    public let largestSingularValues: [Double]
    /// ‖J(z(t_i)) u‖ with u the unit direction travelled, at every point.
    public let directionalNorms: [Double]
    /// Step L2: ‖r(z(t_{i+1})) − r(z(t_i))‖₂ (T − 1 values).
    public let stepLengths: [Double]
    /// The steps' coefficient of variation (population sd over mean): 0 is a perfectly even morph.
    public let stepVariation: Double
    /// Lemma 1's quantities and checks on this path.
    public let lemma1: Lemma1Report

    /// Analyses `path` from the decoder's Jacobians [T, D, E] and decoded images at the path's points.
    public init(path: LatentPath, jacobians: Tensor, decoded: [[Float]]) throws {
        let count = path.count
        let latentCount = path.latentCount
        guard let pixelCount = decoded.first?.count, pixelCount > 0 else {
            throw ExperimentError.invalidArgument("the decoded images are empty")
        }
        guard decoded.count == count, jacobians.shape == [count, pixelCount, latentCount] else {
            throw ExperimentError.invalidArgument("a path of \(count) points needs \(count) Jacobians of \(pixelCount)×\(latentCount) (pixels × latent size) and \(count) decoded images, got Jacobians \(jacobians.shape) and \(decoded.count) images")
        }
        for (i, image) in decoded.enumerated() where image.count != pixelCount {
            throw ExperimentError.invalidArgument("decoded image \(i) has \(image.count) pixels; the first has \(pixelCount)")
        }
        let norms = try jacobianNorms(jacobians, direction: Tensor(path.direction.map(Float.init)))
        positions = path.positions
        frobeniusNorms = norms.frobenius.map(Double.init)
        largestSingularValues = norms.spectral.map(Double.init)
        directionalNorms = (norms.directional ?? []).map(Double.init)
        stepLengths = try SummaryStatistics.consecutiveDistances(decoded)
        stepVariation = SummaryStatistics.coefficientOfVariation(stepLengths)
        lemma1 = Lemma1Report(
            latentDistance: path.length,
            endpointDistance: try SummaryStatistics.distance(decoded[count - 1], decoded[0]),
            stepLengths: stepLengths,
            directionalNorms: directionalNorms,
            frobeniusNorms: frobeniusNorms,
            latentCount: latentCount)
    }

    /// Mean ‖J‖_F along the path.
    public var meanFrobeniusNorm: Double { SummaryStatistics.mean(frobeniusNorms) }
}
