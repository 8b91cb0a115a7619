/// Latent codes projected onto their first two principal axes, for the latent scatter plot.
public struct CodeProjection: Sendable, Equatable {
    /// The first coordinate of every code.
    public let x: [Double]
    /// The second coordinate (0 everywhere when the latent size is 1).
    public let y: [Double]
    /// The fraction of the codes' total variance each of the two axes explains.
    public let explainedVariance: [Double]
    /// The two unit axes in latent space (the second is zero when the latent size is 1).
    public let axes: [[Double]]

    /// Projects `codes` (each of the same latent size E) onto their top two principal axes.
    public init(codes: [[Float]]) throws(ExperimentError) {
        guard let e = codes.first?.count, e > 0 else {
            throw .invalidArgument("a projection needs at least one non-empty code")
        }
        guard codes.allSatisfy({ $0.count == e }) else {
            throw .invalidArgument("every code must have the same latent size \(e)")
        }
        let n = Double(codes.count)
        var mean = [Double](repeating: 0, count: e)
        for code in codes { for i in 0..<e { mean[i] += Double(code[i]) } }
        mean = mean.map { $0 / n }
        var covariance = [Double](repeating: 0, count: e * e)
        for code in codes {
            let centred = (0..<e).map { Double(code[$0]) - mean[$0] }
            for a in 0..<e { for b in a..<e { covariance[a * e + b] += centred[a] * centred[b] } }
        }
        for a in 0..<e { for b in a..<e {
            covariance[a * e + b] /= n
            covariance[b * e + a] = covariance[a * e + b]
        } }
        let decomposition = try SymmetricEigenDecomposition(symmetric: covariance, size: e)
        let total = decomposition.values.reduce(0) { $0 + max(0, $1) }
        var axes = Array(decomposition.vectors.prefix(2))
        var variances = decomposition.values.prefix(2).map { total > 0 ? max(0, $0) / total : 0 }
        while axes.count < 2 {
            axes.append([Double](repeating: 0, count: e))
            variances.append(0)
        }
        func project(_ axis: [Double]) -> [Double] {
            codes.map { code in (0..<e).reduce(0) { $0 + (Double(code[$1]) - mean[$1]) * axis[$1] } }
        }
        x = project(axes[0])
        y = project(axes[1])
        explainedVariance = variances
        self.axes = axes
    }
}
