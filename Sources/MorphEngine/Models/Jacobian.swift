/// The exact decoder Jacobian dr/dz at each point of a batch, [N, D, E], by batched forward
/// mode: all E basis tangents of `chunkSize` points go through the decoder in one pass.
/// `cancellation` is checked between chunks (throwing `Interrupted`).
public func jacobian(of decoder: (Variable) throws(EngineError) -> Variable, at z: Tensor,
                     chunkSize: Int = 64, cancellation: CancellationToken? = nil) throws -> Tensor {
    guard z.rank == 2, z.shape[1] > 0 else {
        throw EngineError.invalidArgument("jacobian needs latent points [N, E], got shape \(z.shape)")
    }
    Memory.configured
    let n = z.shape[0], e = z.shape[1], chunk = max(1, chunkSize)
    var result: [Float] = []
    var d = 0
    var start = 0
    while start < n {
        try cancellation?.checkCancellation()
        let end = min(n, start + chunk), m = end - start
        let basis = Tensor(shape: [m * e, e], count: m * e * e) { b in
            b.update(repeating: 0, count: m * e * e)
            for s in 0..<m { for k in 0..<e { b[(s * e + k) * e + k] = 1 } }
        }
        let input = try Variable(z.samples(start..<end), tangent: basis, count: e)
        let out = try decoder(input)
        guard let t = out.tangent else { throw EngineError.invalidArgument("jacobian: the decoder output does not depend on z") }
        if start == 0 {
            d = out.value.sampleSize
            _ = try Tensor.elementCount(of: [n, d, e])
            // Every element is written below, chunk by chunk.
            result = [Float](unsafeUninitializedCapacity: n * d * e) { _, initialized in initialized = n * d * e }
        }
        // t is [m·E, D] (row s·E + k = dr/dz_k at point s); write each point transposed, [D, E].
        let (rows, columns) = (e, d)
        result.withUnsafeMutableBufferPointer { o in
            t.scalars.withUnsafeBufferPointer { tp in
                let (src0, dst0) = (tp.baseAddress!, o.baseAddress! + start * d * e)
                Parallel.forEachChunk(m) { points in
                    for s in points {
                        Tensor.transpose(src0 + s * e * d, rows: rows, columns: columns, into: dst0 + s * e * d)
                    }
                }
            }
        }
        start = end
    }
    return Tensor(unchecked: [n, d, e], scalars: result)
}

/// The exact decoder Jacobian of a model at each point, [N, D, E], in evaluation mode.
public func jacobian(of model: AutoEncoderModel, at z: Tensor, chunkSize: Int = 64,
                     cancellation: CancellationToken? = nil) throws -> Tensor {
    let was = model.isTraining
    model.isTraining = false
    defer { model.isTraining = was }
    return try jacobian(of: { v throws(EngineError) in try model.decode(v) }, at: z, chunkSize: chunkSize,
                        cancellation: cancellation)
}

/// r(z) and the Jacobian-vector products J(z)·u for one direction per point (forward mode, K = 1):
/// `directions` is [N, E] (or [E], used at every point).
public func jacobianVectorProduct(of model: AutoEncoderModel, at z: Tensor,
                                  along directions: Tensor) throws(EngineError) -> (value: Tensor, product: Tensor) {
    let u: Tensor
    if directions.shape == z.shape {
        u = directions
    } else if directions.rank == 1, z.rank == 2, directions.count == z.shape[1] {
        u = try Tensor.stack(Array(repeating: directions, count: z.shape[0]))
    } else {
        throw .shapeMismatch(operation: "jacobianVectorProduct (points [N, E], directions [N, E] or [E])", lhs: z.shape, rhs: directions.shape)
    }
    return try model.inEvaluationMode { () throws(EngineError) in
        let out = try model.decode(Variable(z, tangent: u, count: 1))
        guard let t = out.tangent else { throw .invalidArgument("the decoder output does not depend on z") }
        return (out.value, t)
    }
}

/// Norms of the Jacobian at each point: Frobenius, largest singular value, and ‖J u‖ along a direction.
public struct JacobianNorms: Sendable, Equatable {
    /// ‖J‖_F at each point.
    public var frobenius: [Float]
    /// The largest singular value of J at each point.
    public var spectral: [Float]
    /// ‖J u‖ at each point, when a direction u was given.
    public var directional: [Float]?
}

/// Per-point norms of Jacobians [N, D, E]; `direction` (length E, normalised here) gives ‖J u‖.
public func jacobianNorms(_ jacobians: Tensor, direction: Tensor? = nil) throws(EngineError) -> JacobianNorms {
    guard jacobians.rank == 3 else { throw .invalidArgument("jacobianNorms needs [N, D, E], got \(jacobians.shape)") }
    let n = jacobians.shape[0], d = jacobians.shape[1], e = jacobians.shape[2]
    var u: [Double]?
    if let direction {
        guard direction.count == e else {
            throw .shapeMismatch(operation: "jacobianNorms (Jacobians [N, D, E], direction [E])", lhs: jacobians.shape, rhs: direction.shape)
        }
        let norm = direction.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        u = direction.scalars.map { norm > 0 ? Double($0) / norm : 0 }
    }
    var fro = [Float](repeating: 0, count: n), spec = fro, dir = fro
    for s in 0..<n {
        var gram = [Double](repeating: 0, count: e * e)
        var ju = [Double](repeating: 0, count: d)
        jacobians.scalars.withUnsafeBufferPointer { j in
            for r in 0..<d {
                let row = j.baseAddress! + (s * d + r) * e
                for a in 0..<e {
                    let va = Double(row[a])
                    for b in a..<e { gram[a * e + b] += va * Double(row[b]) }
                    if let u { ju[r] += va * u[a] }
                }
            }
        }
        for a in 0..<e { for b in 0..<a { gram[a * e + b] = gram[b * e + a] } }
        var trace = 0.0
        for a in 0..<e { trace += gram[a * e + a] }
        fro[s] = Float(trace.squareRoot())
        let eig = try symmetricEigen(gram, n: e)
        spec[s] = Float(max(0, eig.values[e - 1]).squareRoot())
        dir[s] = Float(ju.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }
    return JacobianNorms(frobenius: fro, spectral: spec, directional: u == nil ? nil : dir)
}
