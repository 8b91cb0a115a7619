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
    public init(codes: [[Float]]) throws {
        guard let e = codes.first?.count, e > 0 else {
            throw ExperimentError.invalidArgument("a projection needs at least one non-empty code")
        }
        guard codes.allSatisfy({ $0.count == e }) else {
            throw ExperimentError.invalidArgument("every code must have the same latent size \(e)")
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
        guard covariance.allSatisfy(\.isFinite) else { throw ExperimentError.invalidArgument("the codes hold NaN or infinite values") }
        // LAPACK's eigenvalues ascend; the axes are the last two eigenvectors (columns), largest first.
        let (values, vectors) = try symmetricEigen(covariance, n: e)
        let total = values.reduce(0) { $0 + max(0, $1) }
        let top = (0..<min(2, e)).map { e - 1 - $0 }
        var axes = top.map { column in
            // Sign fixed so each axis's largest entry is positive (the projection is then reproducible).
            let axis = (0..<e).map { vectors[$0 * e + column] }
            let largest = axis.max { abs($0) < abs($1) } ?? 0
            return largest < 0 ? axis.map { -$0 } : axis
        }
        var variances = top.map { total > 0 ? max(0, values[$0]) / total : 0 }
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
