/// What the experiments need from a model: encode images to codes, decode codes to images,
/// and the decoder Jacobian dr/dz at given codes.
///
/// The engine's models conform (Experiments/…+ExperimentModel.swift); tests use closed-form
/// decoders. Images and codes are plain arrays: one image is D values in [0, 1]
/// (channel-first, row-major), one code is E values.
public protocol ExperimentModel {
    /// E, the latent size.
    var latentCount: Int { get }
    /// e(x) for a batch of images: the codes the model's losses and paths use (for ConvVAE the
    /// mean, for decoder-only models the inferred z).
    func encode(_ images: [[Float]]) throws -> [[Float]]
    /// r(z) for a batch of codes.
    func decode(_ codes: [[Float]]) throws -> [[Float]]
    /// dr/dz at each code, exactly (batched forward mode in the engine).
    func decoderJacobians(at codes: [[Float]]) throws -> [DecoderJacobian]
}

extension ExperimentModel {
    /// Runs `body` over `items` in chunks of at most `batchSize`, checking `cancellation` between chunks.
    func chunked<T, R>(
        _ items: [T], batchSize: Int = 256, cancellation: CancellationToken?, _ body: ([T]) throws -> [R]
    ) throws -> [R] {
        var result: [R] = []
        result.reserveCapacity(items.count)
        var start = 0
        while start < items.count {
            try cancellation?.checkCancellation()
            let end = min(items.count, start + batchSize)
            let chunk = try body(Array(items[start..<end]))
            guard chunk.count == end - start else {
                throw ExperimentError.invalidArgument("the model returned \(chunk.count) results for a batch of \(end - start)")
            }
            result += chunk
            start = end
        }
        return result
    }

    /// e(x) for many images, in batches, interruptible between batches.
    public func encodeAll(_ images: [[Float]], cancellation: CancellationToken? = nil) throws -> [[Float]] {
        try chunked(images, cancellation: cancellation) { try encode($0) }
    }

    /// r(z) for many codes, in batches, interruptible between batches.
    public func decodeAll(_ codes: [[Float]], cancellation: CancellationToken? = nil) throws -> [[Float]] {
        try chunked(codes, cancellation: cancellation) { try decode($0) }
    }

    /// r(e(x)) for many images.
    public func reconstructAll(_ images: [[Float]], cancellation: CancellationToken? = nil) throws -> [[Float]] {
        try decodeAll(try encodeAll(images, cancellation: cancellation), cancellation: cancellation)
    }

    /// dr/dz at many codes, in batches of 64, interruptible between batches.
    public func jacobiansAll(at codes: [[Float]], cancellation: CancellationToken? = nil) throws -> [DecoderJacobian] {
        try chunked(codes, batchSize: 64, cancellation: cancellation) { try decoderJacobians(at: $0) }
    }
}
