/// A decoder Jacobian dr/dz at one latent point: D rows (output pixels) by E columns
/// (latent dimensions), row-major, so `entries[p * E + e]` = ∂r_p/∂z_e.
public struct DecoderJacobian: Sendable, Equatable {
    /// D, the number of decoded values (784 for a 28×28 image).
    public let pixelCount: Int
    /// E, the latent size.
    public let latentCount: Int
    /// The D×E entries, row-major.
    public let entries: [Float]

    /// A Jacobian from its D×E entries in row-major order.
    public init(pixelCount: Int, latentCount: Int, entries: [Float]) throws(ExperimentError) {
        guard pixelCount > 0, latentCount > 0 else {
            throw .invalidArgument("a Jacobian needs at least one pixel and one latent dimension, got \(pixelCount)×\(latentCount)")
        }
        guard entries.count == pixelCount * latentCount else {
            throw .invalidArgument("a \(pixelCount)×\(latentCount) Jacobian needs \(pixelCount * latentCount) entries, got \(entries.count)")
        }
        self.pixelCount = pixelCount
        self.latentCount = latentCount
        self.entries = entries
    }

    /// A Jacobian from forward-mode tangents: E rows of D values, row e = ∂r/∂z_e
    /// (the layout a batched Jacobian-vector product produces).
    public init(tangents: [Float], latentCount: Int, pixelCount: Int) throws(ExperimentError) {
        guard tangents.count == pixelCount * latentCount else {
            throw .invalidArgument("\(latentCount) tangents of \(pixelCount) values need \(pixelCount * latentCount) entries, got \(tangents.count)")
        }
        var transposed = [Float](repeating: 0, count: tangents.count)
        for e in 0..<latentCount {
            for p in 0..<pixelCount { transposed[p * latentCount + e] = tangents[e * pixelCount + p] }
        }
        try self.init(pixelCount: pixelCount, latentCount: latentCount, entries: transposed)
    }

    /// ‖J‖_F, the Frobenius norm: the square root of the sum of squared entries.
    public var frobeniusNorm: Double {
        var sum = 0.0
        for x in entries { sum += Double(x) * Double(x) }
        return sum.squareRoot()
    }

    /// JᵀJ, the E×E Gram matrix, row-major, in Double.
    public var gram: [Double] {
        let e = latentCount
        var g = [Double](repeating: 0, count: e * e)
        entries.withUnsafeBufferPointer { j in
            for p in 0..<pixelCount {
                let row = p * e
                for a in 0..<e {
                    let x = Double(j[row + a])
                    if x == 0 { continue }
                    for b in a..<e { g[a * e + b] += x * Double(j[row + b]) }
                }
            }
        }
        for a in 0..<e { for b in 0..<a { g[a * e + b] = g[b * e + a] } }
        return g
    }

    /// σ_max(J), the largest singular value (spectral norm): √λ_max(JᵀJ).
    public var largestSingularValue: Double {
        guard let decomposition = try? SymmetricEigenDecomposition(symmetric: gram, size: latentCount) else {
            return .nan
        }
        return max(0, decomposition.values.first ?? 0).squareRoot()
    }

    /// ‖J u‖₂: how fast the decoded image moves when z moves along `direction` (length E).
    public func normOfProduct(with direction: [Double]) throws(ExperimentError) -> Double {
        guard direction.count == latentCount else {
            throw .invalidArgument("the direction has \(direction.count) components; the Jacobian's latent size is \(latentCount)")
        }
        var sum = 0.0
        for p in 0..<pixelCount {
            var dot = 0.0
            for e in 0..<latentCount { dot += Double(entries[p * latentCount + e]) * direction[e] }
            sum += dot * dot
        }
        return sum.squareRoot()
    }

    /// ‖∂r_p/∂z‖₂ for every pixel p: the row norms, the per-pixel sensitivity a heat map shows.
    public var pixelSensitivities: [Double] {
        (0..<pixelCount).map { p in
            var sum = 0.0
            for e in 0..<latentCount {
                let x = Double(entries[p * latentCount + e])
                sum += x * x
            }
            return sum.squareRoot()
        }
    }
}
