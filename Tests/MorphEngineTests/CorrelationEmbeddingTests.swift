import Testing
import Glibc
@testable import MorphEngine

@Suite struct CorrelationEmbeddingTests {
    /// Smooth images on a side×side grid: sums of three Gaussian blobs at random centres.
    func blobs(side: Int, count: Int, seed: UInt64) throws -> Tensor {
        var g = RandomGenerator(seed: seed)
        var scalars = [Float](repeating: 0, count: count * side * side)
        for n in 0..<count {
            for _ in 0..<3 {
                let cy = g.nextFloat() * Float(side), cx = g.nextFloat() * Float(side), a = g.nextFloat()
                for y in 0..<side { for x in 0..<side {
                    let r2 = (Float(y) - cy) * (Float(y) - cy) + (Float(x) - cx) * (Float(x) - cx)
                    scalars[(n * side + y) * side + x] += a * expf(-r2 / 4.5)
                } }
            }
        }
        return try Tensor(shape: [count, side * side], scalars: scalars)
    }

    /// The share of each pixel's `k` nearest embedding neighbours that are its grid neighbours
    /// (the 8 around it), pixels numbered as `original` says.
    func gridShare(_ positions: Tensor, side: Int, original: [Int], k: Int = 4) throws -> Double {
        let neighbours = try NodeNeighbours(targets: positions, sources: positions, count: k + 1)
        var hits = 0
        for i in 0..<positions.shape[0] {
            let (y, x) = (original[i] / side, original[i] % side)
            for j in neighbours.neighbours(of: i).dropFirst() {
                let (v, u) = (original[Int(j)] / side, original[Int(j)] % side)
                if max(abs(v - y), abs(u - x)) == 1 { hits += 1 }
            }
        }
        return Double(hits) / Double(positions.shape[0] * k)
    }

    @Test func recoversTheGridFromShuffledPixels() throws {
        let side = 10, d = side * side
        let images = try blobs(side: side, count: 600, seed: 3)
        var g = RandomGenerator(seed: 5)
        let order = g.permutation(d)  // shuffled pixel i is original pixel order[i]
        var shuffled = images.scalars
        for n in 0..<600 { for i in 0..<d { shuffled[n * d + i] = images.scalars[n * d + order[i]] } }
        let plain = try CorrelationEmbedding.positions(of: images)
        let recovered = try CorrelationEmbedding.positions(of: Tensor(shape: images.shape, scalars: shuffled))
        #expect(plain.shape == [d, 2])
        let chance = 8.0 / Double(d - 1)
        let plainShare = try gridShare(plain, side: side, original: Array(0..<d))
        let shuffledShare = try gridShare(recovered, side: side, original: order)
        #expect(plainShare > 0.8, "plain pixels: \(plainShare) of embedding neighbours are grid neighbours (chance \(chance))")
        #expect(shuffledShare > 0.8, "shuffled pixels: \(shuffledShare) (chance \(chance))")
        #expect(abs(plainShare - shuffledShare) < 0.05)
    }

    @Test func rejectsWhatItCannotLayOut() throws {
        #expect(throws: EngineError.self) { try CorrelationEmbedding.positions(of: Tensor(shape: [1, 9], scalars: Array(repeating: 0, count: 9))) }
        #expect(throws: EngineError.self) { try CorrelationEmbedding.positions(of: Tensor(shape: [3, 4], scalars: [.nan] + Array(repeating: 0, count: 11))) }
        #expect(throws: EngineError.self) { try CorrelationEmbedding.positions(of: Tensor(shape: [3, 4], scalars: Array(repeating: 0, count: 12)), dimensions: 4) }
    }
}
