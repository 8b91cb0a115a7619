/// The pixel order of a model's training data, and the model seen through it: images go in and
/// come out in their original pixel order, so strips, maps and losses of a model trained on
/// shuffled pixels compare with those of a model trained on plain ones.
extension AutoEncoderModel {
    /// Adopts the pixel order of the data the model learns from: stored pixel i of that data was
    /// original pixel `permutation[i]` (nil: unshuffled). The permutation must rearrange all D pixels.
    public func adoptPixelPermutation(_ permutation: [Int]?) throws(EngineError) {
        if let p = permutation {
            guard p.count == dataSize, Set(p) == Set(0..<dataSize) else {
                throw .invalidArgument("the pixel permutation must rearrange all \(dataSize) pixels, got \(p.count) indices")
            }
        }
        pixelPermutation = permutation
    }

    /// Images [N, D] in original pixel order → the model's (shuffled) order.
    public func toModelOrder(_ images: Tensor) throws(EngineError) -> Tensor {
        try reordered(flatSamples(images), from: nil, to: pixelPermutation)
    }

    /// Rows [N, D] (or Jacobians [N, D, E]) in the model's order → original pixel order.
    public func toOriginalOrder(_ values: Tensor) throws(EngineError) -> Tensor {
        guard let p = pixelPermutation else { return values }
        let d = dataSize
        guard values.rank >= 2, values.shape[1] == d else {
            throw .shapeMismatch(operation: "toOriginalOrder (values [N, D, …])", lhs: values.shape, rhs: [d])
        }
        let inner = values.shape.dropFirst(2).reduce(1, *)
        var out = values
        values.scalars.withUnsafeBufferPointer { src in
            out.scalars.withUnsafeMutableBufferPointer { dst in
                for s in 0..<values.shape[0] {
                    for i in 0..<d {
                        // Stored row i belongs to original pixel p[i].
                        (dst.baseAddress! + (s * d + p[i]) * inner).update(from: src.baseAddress! + (s * d + i) * inner, count: inner)
                    }
                }
            }
        }
        return out
    }

    /// Images as [N, D] (any shape with D values per sample).
    func flatSamples(_ images: Tensor) throws(EngineError) -> Tensor {
        guard images.rank >= 1, images.sampleSize == dataSize else {
            throw wrongInput(images.shape)
        }
        return images.rank == 2 ? images : try images.reshaped([images.batchSize, dataSize])
    }

    /// e(x) for images in original pixel order, [N, D] → [N, E], in chunks of `batchSize`,
    /// checking `cancellation` between chunks.
    public func encode(originals images: Tensor, batchSize: Int = 256,
                       cancellation: CancellationToken? = nil) throws -> Tensor {
        let x = try toModelOrder(images)
        return try chunked(x, batchSize: batchSize, cancellation: cancellation) { chunk throws(EngineError) in
            try encode(chunk, batchSize: batchSize)
        }
    }

    /// r(z) in original pixel order, [N, E] → [N, D], in chunks, checking `cancellation` between chunks.
    public func decode(toOriginals codes: Tensor, batchSize: Int = 256,
                       cancellation: CancellationToken? = nil) throws -> Tensor {
        try toOriginalOrder(try chunked(codes, batchSize: batchSize, cancellation: cancellation) { chunk throws(EngineError) in
            try decode(chunk, batchSize: batchSize)
        })
    }

    /// r(e(x)) in original pixel order.
    public func reconstruct(originals images: Tensor, cancellation: CancellationToken? = nil) throws -> Tensor {
        try decode(toOriginals: try encode(originals: images, cancellation: cancellation), cancellation: cancellation)
    }

    /// The exact decoder Jacobians dr/dz at each code, [N, D, E], rows in original pixel order.
    public func jacobians(toOriginalsAt codes: Tensor, cancellation: CancellationToken? = nil) throws -> Tensor {
        try toOriginalOrder(try jacobian(of: self, at: codes, cancellation: cancellation))
    }
}

/// Applies `body` to consecutive chunks of samples, checking `cancellation` before each, and
/// concatenates the results along axis 0.
func chunked(_ x: Tensor, batchSize: Int, cancellation: CancellationToken?,
             _ body: (Tensor) throws(EngineError) -> Tensor) throws -> Tensor {
    let n = x.batchSize, size = max(1, batchSize)
    if n <= size {
        try cancellation?.checkCancellation()
        return try body(x)
    }
    var parts: [Tensor] = []
    var start = 0
    while start < n {
        try cancellation?.checkCancellation()
        let end = min(n, start + size)
        parts.append(try body(x.samples(start..<end)))
        start = end
    }
    return try Tensor.concatenate(parts, axis: 0)
}
