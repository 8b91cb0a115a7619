import Testing
@testable import MorphEngine

/// Every determinism check lives in this one serialized suite: the thread count is process-wide,
/// so a check that sets it must not run beside another that compares two runs.
@Suite("Threads: same seed and thread count give identical results", .serialized)
struct ThreadDeterminismTests {
    func withThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        let saved = BLAS.threadCount
        BLAS.threadCount = threads
        defer { BLAS.threadCount = saved }
        return try body()
    }

    func trainedWeights(threads: Int) throws -> [Tensor] {
        try withThreads(threads) {
            let data = try generatedImages(count: 96, seed: 11)
            let model = try AutoEncoderModel(.convAutoEncoder, latent: 3, seed: 2)
            try train(model, on: data, epochs: 1, batchSize: 48, seed: 5)
            return model.stateDict().map(\.tensor)
        }
    }

    @Test(arguments: [1, 2])
    func sameSeedSameThreadsIdentical(threads: Int) throws {
        #expect(try trainedWeights(threads: threads) == trainedWeights(threads: threads))
    }

    @Test func sameSeedSameResults() throws {
        try withThreads(2) {
            let data = try generatedImages(count: 64, seed: 2)
            func run() throws -> [Tensor] {
                let model = try AutoEncoderModel(.autoEncoderBN, latent: 3, seed: 5)
                try train(model, on: data, epochs: 2, batchSize: 16, seed: 9)
                return model.stateDict().map(\.tensor)
            }
            #expect(try run() == run())
            let conv = try AutoEncoderModel(.convVAE, latent: 2, seed: 1), conv2 = try AutoEncoderModel(.convVAE, latent: 2, seed: 1)
            let small = try data.samples(0..<8)
            try train(conv, on: small, epochs: 1, batchSize: 4, seed: 4)
            try train(conv2, on: small, epochs: 1, batchSize: 4, seed: 4)
            #expect(conv.stateDict().map(\.tensor) == conv2.stateDict().map(\.tensor))
        }
    }

    @Test func convolutionsAgreeAcrossThreadCounts() throws {
        // Their gathers split the work by channel or, with too few channels, by sample.
        for (channels, seed) in [(1, 200), (5, 210)] {
            let x = try normal([6, channels, 14, 14], seed: UInt64(seed)), w = try normal([4, channels, 4, 4], seed: UInt64(seed + 1))
            let wt = try normal([channels, 4, 4, 4], seed: UInt64(seed + 2))
            func run() throws -> [Tensor] {
                let conv = Conv2dOp(stride: 2, padding: 1), transposed = ConvTranspose2dOp(stride: 2, padding: 1)
                let y = try conv.forward([x, w])
                let convGrads = try conv.vjp([x, w], y, y, [true, true]).compactMap { $0 }
                let t = try transposed.forward([x, wt])
                let transposedGrads = try transposed.vjp([x, wt], t, t, [true, true]).compactMap { $0 }
                return [y, t] + convGrads + transposedGrads
            }
            let one = try withThreads(1, run), two = try withThreads(2, run)
            #expect(one.count == 6 && two.count == 6)
            for (a, b) in zip(one, two) {
                #expect(a.shape == b.shape)
                #expect(GradientCheck.relativeError(a.scalars, b.scalars, floor: 0) < 1e-6, "\(channels) channels")
            }
        }
    }
}
