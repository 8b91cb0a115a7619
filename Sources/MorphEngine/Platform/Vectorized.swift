import CSIMD
import Glibc

/// Vectorised elementwise kernels on raw buffers (CSIMD: AVX-512 or AVX2 where the CPU has them).
enum Vectorized {
    /// 1 / (1 + e^−x), elementwise.
    static func sigmoid(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        csimd_sigmoid(src, dst, count)
    }

    /// eˣ, elementwise.
    static func exp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        csimd_exp(src, dst, count)
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
