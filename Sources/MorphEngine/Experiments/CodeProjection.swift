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
        let statistics = try CodeCovariance(codes: codes)
        let e = statistics.size, mean = statistics.mean, covariance = statistics.matrix
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
