import Glibc

/// Vectorised elementwise kernels on raw buffers (SIMD, no per-element calls).
enum Vectorized {
    /// eˣ without calls or branches, so loops over it vectorise: Cody–Waite range reduction
    /// (n by the 1.5·2²³ rounding trick), a degree-6 polynomial (≈ 1–2 ulp), 2ⁿ from bits.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let c = x < -87.3 ? -87.3 : (x > 88.7 ? 88.7 : x)
        let t = c * 1.442_695_040_888_963_4 + 12_582_912
        let n = t - 12_582_912
        let r = c - n * 0.693_145_751_953_125 - n * 1.428_606_765_330_187_0e-6
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let ni = Int32(bitPattern: t.bitPattern) &- 0x4B40_0000
        return p * Float(bitPattern: UInt32(bitPattern: (ni &+ 127) &<< 23))
    }

    /// 1 / (1 + e^−x), elementwise.
    static func sigmoid(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { dst[i] = 1 / (1 + exp(-src[i])) }
    }

    /// eˣ, elementwise.
    static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { dst[i] = exp(src[i]) }
    }
}

/// Allocator settings for the engine's many short-lived large buffers.
enum Memory {
    /// Keeps large temporaries on the heap instead of fresh mmap pages for every op (page
    /// faults dominated small-model training otherwise). Applied once, on first use.
    static let configured: Void = {
        _ = glibcMallopt(-3, 256 << 20)  // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, 512 << 20)  // M_TRIM_THRESHOLD
    }()
}

/// glibc's mallopt (declared in <malloc.h>, which the Glibc module does not export).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

extension Tensor {
    /// A tensor whose elements `fill` writes (every element must be written).
    init(shape: [Int], count: Int, fill: (UnsafeMutablePointer<Float>) -> Void) {
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { fill(buffer.baseAddress!) }
            initialized = count
        }
        self.init(unchecked: shape, scalars: scalars)
    }
}
