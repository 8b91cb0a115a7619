import Glibc

/// A small, seeded, reproducible pseudo-random generator (SplitMix64).
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    private var spareNormal: Float?

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// A uniform integer in `range`, independent of the standard library's algorithm.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    /// A uniform index in 0..<bound (bound > 0).
    public mutating func index(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// A standard normal value (Box–Muller).
    public mutating func nextNormal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = Double((next() >> 11) + 1) * (1.0 / 9007199254740993.0)
        let u2 = Double(next() >> 11) * (1.0 / 9007199254740992.0)
        let r = (-2 * log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = Float(r * sin(theta))
        return Float(r * cos(theta))
    }

    /// A seeded random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            p.swapAt(i, j)
        }
        return p
    }

    /// A generator derived from this one, for an independent stream.
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: next())
    }
}
