/// Lemma 1 along one latent path, as docs/ARCHITECTURE.md states it:
/// r(z_b) − r(z_a) = ∫₀¹ J(z(t)) (z_b − z_a) dt, hence
/// ‖Δr‖ ≤ ‖Δz‖ · ∫ ‖J u‖ dt ≤ ‖Δz‖ · ∫ ‖J‖_F dt, and ‖Δr‖² ≤ ‖Δz‖² · ∫ ‖J‖_F² dt;
/// also ‖Δr‖ ≤ Σ step L2 at any T (the triangle inequality).
///
/// The integrals are means over the path's T points, so the checks on them allow the
/// discretisation error of such a mean (see `Lemma1Check.allowance`).
public struct Lemma1Report: Sendable, Equatable {
    /// ‖Δr‖ = ‖r(z_b) − r(z_a)‖₂, the data-space distance of the decoded ends.
    public let endpointDistance: Double
    /// ‖Δz‖ = ‖z_b − z_a‖₂.
    public let latentDistance: Double
    /// Σ step L2, the length of the decoded polyline: an exact upper bound on ‖Δr‖.
    public let stepLengthSum: Double
    /// ‖Δz‖ · mean ‖J u‖, the tight form (as StyleGAN's perceptual path length).
    public let directionalBound: Double
    /// ‖Δz‖ · mean ‖J‖_F.
    public let frobeniusBound: Double
    /// ‖Δr‖².
    public let squaredEndpointDistance: Double
    /// ‖Δz‖² · mean ‖J‖_F².
    public let squaredFrobeniusBound: Double
    /// The article's own form, E · mean ‖J‖_F² (it drops the path length); reported, not checked.
    public let articleBound: Double
    /// One check per bound, in the order above.
    public let checks: [Lemma1Check]

    /// Whether every bound holds within its allowance.
    public var holds: Bool { checks.allSatisfy(\.holds) }

    /// The report for a path of `count` points with latent distance ‖Δz‖, decoded endpoint
    /// distance ‖Δr‖, the step lengths, and ‖J u‖ and ‖J‖_F at every point.
    init(
        latentDistance: Double, endpointDistance: Double, stepLengths: [Double],
        directionalNorms: [Double], frobeniusNorms: [Double], latentCount: Int
    ) {
        let count = frobeniusNorms.count
        let squaredNorms = frobeniusNorms.map { $0 * $0 }
        self.latentDistance = latentDistance
        self.endpointDistance = endpointDistance
        squaredEndpointDistance = endpointDistance * endpointDistance
        stepLengthSum = stepLengths.reduce(0, +)
        directionalBound = latentDistance * SummaryStatistics.mean(directionalNorms)
        frobeniusBound = latentDistance * SummaryStatistics.mean(frobeniusNorms)
        squaredFrobeniusBound = latentDistance * latentDistance * SummaryStatistics.mean(squaredNorms)
        articleBound = Double(latentCount) * SummaryStatistics.mean(squaredNorms)

        /// What a mean over T samples may miss of the integral: (total variation + range) / (T − 1).
        func discretisation(_ samples: [Double], scale: Double) -> Double {
            guard count > 1, let lo = samples.min(), let hi = samples.max() else { return 0 }
            return scale * (SummaryStatistics.totalVariation(samples) + (hi - lo)) / Double(count - 1)
        }
        let rounding = 1e-4
        checks = [
            Lemma1Check(
                statement: "‖Δr‖ ≤ Σ step L2", left: endpointDistance, right: stepLengthSum,
                allowance: rounding * stepLengthSum + 1e-6),
            Lemma1Check(
                statement: "‖Δr‖ ≤ ‖Δz‖·mean ‖J u‖", left: endpointDistance, right: directionalBound,
                allowance: discretisation(directionalNorms, scale: latentDistance) + rounding * directionalBound + 1e-6),
            Lemma1Check(
                statement: "‖Δr‖ ≤ ‖Δz‖·mean ‖J‖_F", left: endpointDistance, right: frobeniusBound,
                allowance: discretisation(frobeniusNorms, scale: latentDistance) + rounding * frobeniusBound + 1e-6),
            Lemma1Check(
                statement: "‖Δr‖² ≤ ‖Δz‖²·mean ‖J‖_F²", left: squaredEndpointDistance, right: squaredFrobeniusBound,
                allowance: discretisation(squaredNorms, scale: latentDistance * latentDistance)
                    + rounding * squaredFrobeniusBound + 1e-6),
        ]
    }
}

/// One inequality of Lemma 1 evaluated on a path: `left ≤ right + allowance`.
public struct Lemma1Check: Sendable, Equatable {
    /// The inequality in words, e.g. "‖Δr‖ ≤ ‖Δz‖·mean ‖J u‖".
    public let statement: String
    /// Its left side.
    public let left: Double
    /// Its right side (the bound).
    public let right: Double
    /// How far `left` may exceed `right`: float rounding, plus for bounds that are integrals
    /// estimated by a mean over T points, the scale times (total variation + range) / (T − 1)
    /// of the sampled integrand.
    public let allowance: Double

    /// Whether the inequality holds within the allowance.
    public var holds: Bool { left <= right + allowance }

    /// right / left: how loose the bound is (1 = tight); infinity when left is 0.
    public var ratio: Double { left > 0 ? right / left : .infinity }
}
