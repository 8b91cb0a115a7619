/// The mean and population covariance of a set of latent codes, in Double.
struct CodeCovariance {
    /// E, the latent size.
    let size: Int
    /// The mean code.
    let mean: [Double]
    /// The E×E covariance, row by row.
    let matrix: [Double]

    /// The statistics of `codes` (at least one, all of the same non-zero size, all finite).
    init(codes: [[Float]]) throws(ExperimentError) {
        guard let e = codes.first?.count, e > 0 else {
            throw .invalidArgument("at least one non-empty latent code is needed")
        }
        guard codes.allSatisfy({ $0.count == e }) else {
            throw .invalidArgument("every code must have the same latent size \(e)")
        }
        let n = Double(codes.count)
        var mean = [Double](repeating: 0, count: e)
        for code in codes { for i in 0..<e { mean[i] += Double(code[i]) } }
        mean = mean.map { $0 / n }
        var covariance = [Double](repeating: 0, count: e * e)
        var centred = [Double](repeating: 0, count: e)
        for code in codes {
            for i in 0..<e { centred[i] = Double(code[i]) - mean[i] }
            for a in 0..<e { for b in a..<e { covariance[a * e + b] += centred[a] * centred[b] } }
        }
        for a in 0..<e { for b in a..<e {
            covariance[a * e + b] /= n
            covariance[b * e + a] = covariance[a * e + b]
        } }
        guard covariance.allSatisfy(\.isFinite) else { throw .invalidArgument("the codes hold NaN or infinite values") }
        size = e
        self.mean = mean
        matrix = covariance
    }
}
