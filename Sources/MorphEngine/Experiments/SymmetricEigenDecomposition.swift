/// The eigenvalues and unit eigenvectors of a small real symmetric matrix (cyclic Jacobi
/// rotations in Double), eigenvalues in descending order.
///
/// Used for E×E matrices (E = latent size, tens at most): JᵀJ for a Jacobian's largest
/// singular value and the covariance of latent codes for their 2-D projection.
public struct SymmetricEigenDecomposition: Sendable, Equatable {
    /// Eigenvalues, largest first.
    public let values: [Double]
    /// `vectors[k]` is the unit eigenvector of `values[k]`; its largest-magnitude entry is positive.
    public let vectors: [[Double]]

    /// Decomposes the symmetric `size`×`size` matrix given row-major in `matrix`.
    public init(symmetric matrix: [Double], size n: Int) throws(ExperimentError) {
        guard n >= 0, matrix.count == n * n else {
            throw .invalidArgument("a \(n)×\(n) matrix needs \(n * n) values, got \(matrix.count)")
        }
        guard matrix.allSatisfy({ $0.isFinite }) else {
            throw .invalidArgument("the matrix holds NaN or infinite values; its eigenvalues are undefined")
        }
        var a = matrix
        // Symmetrise, so rounding in the caller's product cannot bias the result.
        for i in 0..<n { for j in (i + 1)..<n {
            let s = 0.5 * (a[i * n + j] + a[j * n + i])
            a[i * n + j] = s
            a[j * n + i] = s
        } }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let scale = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n { off += a[p * n + q] * a[p * n + q] } }
            if off <= 1e-30 * scale || off == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t: Double
                    if abs(theta) > 1e100 {
                        t = 1 / (2 * theta)
                    } else {
                        t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    }
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] }
        values = order.map { a[$0 * n + $0] }
        vectors = order.map { column in
            var vector = (0..<n).map { v[$0 * n + column] }
            if let largest = vector.indices.max(by: { abs(vector[$0]) < abs(vector[$1]) }), vector[largest] < 0 {
                vector = vector.map { -$0 }
            }
            return vector
        }
    }
}
