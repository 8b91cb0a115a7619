import Testing
@testable import MorphEngine

@Suite("Threads: same seed and thread count give identical results", .serialized)
struct ThreadDeterminismTests {
    func trainedWeights(threads: Int) throws -> [Tensor] {
        let saved = BLAS.threadCount
        BLAS.threadCount = threads
        defer { BLAS.threadCount = saved }
        let data = try generatedImages(count: 96, seed: 11)
        let model = try ConvAutoEncoder(latent: 3, seed: 2)
        try train(model, on: data, epochs: 1, batchSize: 48, seed: 5)
        return model.stateDict().map(\.tensor)
    }

    @Test(arguments: [1, 2])
    func sameSeedSameThreadsIdentical(threads: Int) throws {
        #expect(try trainedWeights(threads: threads) == trainedWeights(threads: threads))
    }
}
