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
            let model = try ConvAutoEncoder(latent: 3, seed: 2)
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
                let model = try AutoEncoderBN(latent: 3, seed: 5)
                try train(model, on: data, epochs: 2, batchSize: 16, seed: 9)
                return model.stateDict().map(\.tensor)
            }
            #expect(try run() == run())
            let conv = try ConvVAE(latent: 2, seed: 1), conv2 = try ConvVAE(latent: 2, seed: 1)
            let small = try data.samples(0..<8)
            try train(conv, on: small, epochs: 1, batchSize: 4, seed: 4)
            try train(conv2, on: small, epochs: 1, batchSize: 4, seed: 4)
            #expect(conv.stateDict().map(\.tensor) == conv2.stateDict().map(\.tensor))
        }
    }
}
