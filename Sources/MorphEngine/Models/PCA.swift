/// Principal component analysis as a linear autoencoder, fitted in closed form:
/// e(x) = Vᵀ(x − μ), r(z) = V z + μ with V the top-E eigenvectors of the data covariance
/// (LAPACK dsyevd). `train` fits it in one pass; it has no sigmoid.
public final class PCA: SequentialAutoEncoder {
    /// Variance captured by each component, descending (after fitting).
    public private(set) var explainedVariance: [Float] = []

    /// An unfitted PCA with `latent` components (it encodes to zeros until fitted).
    public init(latent: Int = 16, dataSize: Int = 784) throws(EngineError) {
        var g = RandomGenerator(seed: 0)
        let enc = Sequential([try Linear(dataSize, latent, generator: &g)])
        let dec = Sequential([try Linear(latent, dataSize, generator: &g)])
        for p in enc.parameters + dec.parameters { p.value = try Tensor.zeros(p.value.shape) }
        super.init(name: "PCA", latentSize: latent, dataSize: dataSize, encoderInputShape: [dataSize], encoder: enc, decoder: dec)
    }

    public override func fitClosedForm(_ images: Tensor) throws(EngineError) -> Bool {
        let n = images.batchSize, d = dataSize, e = latentSize
        guard images.sampleSize == d, n > 1 else {
            throw .invalidArgument("PCA needs at least 2 images of \(d) values, got shape \(images.shape)")
        }
        guard e <= d else { throw .invalidArgument("PCA: latent \(e) exceeds the data size \(d)") }
        let x = try images.reshaped([n, d])
        let mean = try x.mean(axis: 0)
        let centred = try x - mean
        let cov = try Tensor.matmul(centred, centred, transposingA: true) / Float(n - 1)
        let (values, vectors) = try symmetricEigen(cov.scalars.map { Double($0) }, n: d)
        // Top e columns, descending; sign fixed so each component's largest entry is positive.
        var v = [Float](repeating: 0, count: d * e)
        for c in 0..<e {
            let col = d - 1 - c
            var largest = 0.0
            for i in 0..<d where abs(vectors[i * d + col]) > abs(largest) { largest = vectors[i * d + col] }
            let sign: Double = largest < 0 ? -1 : 1
            for i in 0..<d { v[i * e + c] = Float(sign * vectors[i * d + col]) }
        }
        explainedVariance = (0..<e).map { Float(values[d - 1 - $0]) }
        let basis = Tensor(unchecked: [d, e], scalars: v)           // V [D, E]
        let encWeight = try basis.transposed()                         // Vᵀ [E, D]
        let encBias = -(try Tensor.matmul(encWeight, mean.reshaped([d, 1])).reshaped([e]))
        guard let encLinear = encoder.layers.first as? Linear, let decLinear = decoder.layers.first as? Linear,
              let eb = encLinear.bias, let db = decLinear.bias else {
            throw .invalidArgument("PCA layers are not as built")
        }
        encLinear.weight.value = encWeight
        eb.value = encBias
        decLinear.weight.value = basis
        db.value = mean
        return true
    }
}
