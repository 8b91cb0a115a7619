import CSIMD
import Testing

/// The Adam kernel's AVX-512 and AVX2 paths against its baseline path, bit for bit.
@Suite struct AdamUpdateTests {
    /// Weights, gradients and moments from a fixed generator (a few exact zeros among them).
    struct State: Equatable {
        var weights: [Float], gradients: [Float], first: [Float], second: [Float]

        init(count: Int, seed: UInt64) {
            var x = seed
            func next() -> Float {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: x >> 11) % 2_000_001 - 1_000_000) / 250_000
            }
            weights = (0..<count).map { _ in next() }
            gradients = (0..<count).map { $0 % 11 == 0 ? 0 : next() }
            first = (0..<count).map { _ in next() / 10 }
            second = (0..<count).map { _ in abs(next()) / 100 }
        }

        /// One update in place; returns the kernel's report (1: a new weight is not finite).
        @discardableResult
        mutating func step(using level: CSIMDLevel, stepSize: Float) -> Int32 {
            let count = weights.count
            return gradients.withUnsafeBufferPointer { g in
                weights.withUnsafeMutableBufferPointer { w in
                    first.withUnsafeMutableBufferPointer { m in
                        second.withUnsafeMutableBufferPointer { v in
                            csimd_adam_update_using(level, w.baseAddress, w.baseAddress, g.baseAddress, m.baseAddress, m.baseAddress,
                                                    v.baseAddress, v.baseAddress, count, 0.9, 0.999, 1e-8, stepSize, 0.0447)
                        }
                    }
                }
            }
        }
    }

    /// The first index where `a` and `b` differ in any bit, or nil.
    func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
        a.count != b.count ? min(a.count, b.count) : a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
    }

    static let levels: [CSIMDLevel] = [CSIMDLevelBaseline, CSIMDLevelAVX2, CSIMDLevelAVX512]

    /// Counts around the 8- and 16-lane widths, so every path's tail runs.
    @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 33, 1000, 1031])
    func everyPathMatchesTheBaselinePath(count: Int) {
        var reference = State(count: count, seed: UInt64(count) + 1)
        let start = reference
        for step in 1...3 { reference.step(using: CSIMDLevelBaseline, stepSize: 1e-3 / Float(step)) }
        for level in Self.levels.dropFirst() where level.rawValue <= csimd_supported_level().rawValue {
            var state = start
            for step in 1...3 { state.step(using: level, stepSize: 1e-3 / Float(step)) }
            #expect(firstDifference(state.weights, reference.weights) == nil, "weights, level \(level.rawValue)")
            #expect(firstDifference(state.first, reference.first) == nil, "first moments, level \(level.rawValue)")
            #expect(firstDifference(state.second, reference.second) == nil, "second moments, level \(level.rawValue)")
        }
    }

    /// Writing the new values elsewhere gives the same bits as the update in place, and leaves
    /// the old weights and moments as they were (training undoes a step that left them non-finite).
    @Test(arguments: [1, 17, 1031])
    func anUpdateOutOfPlaceEqualsOneInPlace(count: Int) {
        let start = State(count: count, seed: 5)
        var inPlace = start
        inPlace.step(using: csimd_supported_level(), stepSize: 1e-3)
        var w = [Float](repeating: .nan, count: count), m = w, v = w
        start.weights.withUnsafeBufferPointer { w0 in start.gradients.withUnsafeBufferPointer { g in
            start.first.withUnsafeBufferPointer { m0 in start.second.withUnsafeBufferPointer { v0 in
                w.withUnsafeMutableBufferPointer { w1 in m.withUnsafeMutableBufferPointer { m1 in v.withUnsafeMutableBufferPointer { v1 in
                    #expect(csimd_adam_update(w0.baseAddress, w1.baseAddress, g.baseAddress, m0.baseAddress, m1.baseAddress,
                                              v0.baseAddress, v1.baseAddress, count, 0.9, 0.999, 1e-8, 1e-3, 0.0447) == 0)
                } } }
            } }
        } }
        #expect(firstDifference(w, inPlace.weights) == nil)
        #expect(firstDifference(m, inPlace.first) == nil)
        #expect(firstDifference(v, inPlace.second) == nil)
    }

    /// Every path reports a new weight that is NaN or infinite, wherever it is (tails included).
    @Test(arguments: [1, 17, 1031])
    func everyPathReportsANonFiniteWeight(count: Int) {
        for level in Self.levels where level.rawValue <= csimd_supported_level().rawValue {
            for bad in [0, count / 2, count - 1] {
                var state = State(count: count, seed: 6)
                state.weights[bad] = .infinity
                #expect(state.step(using: level, stepSize: 1e-3) == 1, "level \(level.rawValue), bad weight at \(bad)")
            }
            var clean = State(count: count, seed: 6)
            #expect(clean.step(using: level, stepSize: 1e-3) == 0)
        }
    }

    /// The baseline path is PyTorch's formula: checked against it in Double.
    @Test func baselinePathIsPyTorchsFormula() {
        var state = State(count: 21, seed: 9)
        let start = state
        state.step(using: CSIMDLevelBaseline, stepSize: 2e-3)
        for j in 0..<21 {
            let g = Double(start.gradients[j])
            let m = 0.9 * Double(start.first[j]) + 0.1 * g
            let v = 0.999 * Double(start.second[j]) + 0.001 * g * g
            let w = Double(start.weights[j]) - 2e-3 * m / (v.squareRoot() / 0.0447 + 1e-8)
            #expect(abs(Double(state.first[j]) - m) <= 1e-6 * max(1, abs(m)))
            #expect(abs(Double(state.second[j]) - v) <= 1e-6 * max(1, abs(v)))
            #expect(abs(Double(state.weights[j]) - w) <= 1e-6 * max(1, abs(w)), "weight \(j)")
        }
    }
}
