import CSIMD
import Foundation
import Testing

/// eˣ and the sigmoid: the AVX-512 and AVX2 paths bit for bit against the baseline path, the
/// baseline path against Double precision, and the edges (clamping, infinities, NaN).
@Suite struct ExponentialTests {
    typealias Kernel = (CSIMDLevel, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

    static func run(_ kernel: Kernel, _ level: CSIMDLevel, _ x: [Float]) -> [Float] {
        var y = [Float](repeating: -1, count: x.count)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { kernel(level, xp.baseAddress, $0.baseAddress, x.count) } }
        return y
    }

    /// Inputs across the whole clamped range and beyond, with a count that leaves a tail.
    static let inputs: [Float] = (0..<1037).map { Float($0) * 0.19 - 98 } + [0, -0, 1e-30, -1e-30, .infinity, -.infinity, .nan]

    @Test func everyPathMatchesTheBaselinePath() {
        for (name, kernel) in [("exp", csimd_exp_using as Kernel), ("sigmoid", csimd_sigmoid_using as Kernel)] {
            let reference = Self.run(kernel, CSIMDLevelBaseline, Self.inputs)
            for level in [CSIMDLevelAVX2, CSIMDLevelAVX512] where level.rawValue <= csimd_supported_level().rawValue {
                for count in [0, 1, 7, 8, 15, 16, 17, Self.inputs.count] {
                    let x = Array(Self.inputs.suffix(count))
                    let y = Self.run(kernel, level, x)
                    let expected = Array(reference.suffix(count))
                    let first = y.indices.first { y[$0].bitPattern != expected[$0].bitPattern }
                    #expect(first == nil, "\(name) level \(level.rawValue), \(count) inputs: x = \(first.map { x[$0] } ?? 0)")
                }
            }
        }
    }

    @Test func baselinePathIsWithinFourUlpsOfDoublePrecision() {
        let x = Self.inputs.filter { $0.isFinite && $0 >= -87.3 && $0 <= 88.7 }
        let e = Self.run(csimd_exp_using, CSIMDLevelBaseline, x)
        let s = Self.run(csimd_sigmoid_using, CSIMDLevelBaseline, x)
        for i in x.indices {
            let exact = Foundation.exp(Double(x[i]))
            #expect(abs(Double(e[i]) - exact) <= 4 * Double(Float(exact).ulp), "exp(\(x[i])) = \(e[i]), not \(exact)")
            let sigmoid = 1 / (1 + Foundation.exp(-Double(x[i])))
            #expect(abs(Double(s[i]) - sigmoid) <= 4 * Double(Float(sigmoid).ulp), "sigmoid(\(x[i])) = \(s[i]), not \(sigmoid)")
        }
    }

    @Test func edgesAreClampedAndNaNStaysNaN() {
        for level in [CSIMDLevelBaseline, CSIMDLevelAVX2, CSIMDLevelAVX512] where level.rawValue <= csimd_supported_level().rawValue {
            let e = Self.run(csimd_exp_using, level, [.infinity, -.infinity, 200, -200, .nan])
            #expect(e[0] == e[2] && e[0].isFinite && e[0] > 3e38, "level \(level.rawValue): exp(∞) = \(e[0])")
            #expect(e[1] == e[3] && e[1] >= Float.leastNormalMagnitude && e[1] < 1.3e-38, "level \(level.rawValue): exp(−∞) = \(e[1])")
            #expect(e[4].isNaN)
            let s = Self.run(csimd_sigmoid_using, level, [.infinity, -.infinity, 0, .nan])
            #expect(s[0] == 1 && s[1] >= 0 && s[1] < 1e-38 && s[2] == 0.5 && s[3].isNaN, "level \(level.rawValue): \(s)")
        }
    }
}
