import Glibc

// The scalar functions the engine's elementwise loops apply, as concrete types.
//
// A closure handed to a parallel loop reaches the chunk that runs on another thread as a
// captured context: one indirect call per element and no vectorisation (measured 10–15× slower
// than the same loop run inline). A generic loop over one of these types is specialised per
// function, so every chunk runs the inlined, vectorised body on any thread.

/// y = f(x), one element at a time.
protocol ScalarMap {
    func callAsFunction(_ x: Float) -> Float
}

/// z = f(a, b), one pair of elements at a time.
protocol ScalarCombination {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

struct ReLUMap: ScalarMap {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : 0 }
}
struct LeakyReLUMap: ScalarMap {
    let slope: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : slope * x }
}
struct TanhMap: ScalarMap {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { tanhf(x) }
}
struct LogMap: ScalarMap {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { logf(x) }
}
struct SquareMap: ScalarMap {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x * x }
}
struct ScaleMap: ScalarMap {
    let factor: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x * factor }
}
struct ShiftMap: ScalarMap {
    let offset: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x + offset }
}

struct Sum: ScalarCombination {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
}
struct Difference: ScalarCombination {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b }
}
struct Product: ScalarCombination {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b }
}
struct Quotient: ScalarCombination {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b }
}

// Derivatives f′ from the input x and the output y = f(x) (each function reads the one it needs).
struct ReLUDerivative: ScalarCombination {
    @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x > 0 ? 1 : 0 }
}
struct LeakyReLUDerivative: ScalarCombination {
    let slope: Float
    @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x > 0 ? 1 : slope }
}
struct SigmoidDerivative: ScalarCombination {
    @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { y * (1 - y) }
}
struct TanhDerivative: ScalarCombination {
    @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { 1 - y * y }
}
struct ExpDerivative: ScalarCombination {
    @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { y }
}
struct LogDerivative: ScalarCombination {
    @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { 1 / x }
}
struct SquareDerivative: ScalarCombination {
    @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { 2 * x }
}

/// Elementwise loops over whole tensors, split across threads above `Parallel.elementwiseGrain`.
enum Elementwise {
    /// out[i] = f(a[i]).
    static func map<F: ScalarMap>(_ a: Tensor, _ f: F) -> Tensor {
        a.scalars.withUnsafeBufferPointer { p in
            Tensor(shape: a.shape, count: a.count) { o in
                Parallel.forEachChunk(p.count, minimumPerChunk: Parallel.elementwiseGrain) { r in
                    for i in r { o[i] = f(p[i]) }
                }
            }
        }
    }

    /// out[i] = f(a[i], b[i]) for equal counts.
    static func combine<F: ScalarCombination>(_ a: Tensor, _ b: Tensor, _ f: F) -> Tensor {
        a.scalars.withUnsafeBufferPointer { x in
            b.scalars.withUnsafeBufferPointer { y in
                Tensor(shape: a.shape, count: x.count) { o in
                    Parallel.forEachChunk(x.count, minimumPerChunk: Parallel.elementwiseGrain) { r in
                        for i in r { o[i] = f(x[i], y[i]) }
                    }
                }
            }
        }
    }

    /// out[r·s + i] = v[r·s + i] · d(x, y)[(r / k)·s + i] with s the sample size of x: a
    /// derivative applied to a gradient (k = 1) or to K tangents per sample, in one pass.
    static func scaled<F: ScalarCombination>(_ v: Tensor, _ x: Tensor, _ y: Tensor, k: Int, _ d: F) -> Tensor {
        let s = max(1, x.sampleSize), rows = v.count / s
        return v.scalars.withUnsafeBufferPointer { vp in
            x.scalars.withUnsafeBufferPointer { xp in
                y.scalars.withUnsafeBufferPointer { yp in
                    Tensor(shape: v.shape, count: v.count) { o in
                        if k == 1 {
                            Parallel.forEachChunk(vp.count, minimumPerChunk: Parallel.elementwiseGrain) { r in
                                for i in r { o[i] = vp[i] * d(xp[i], yp[i]) }
                            }
                        } else {
                            let (v0, x0, y0) = (vp.baseAddress!, xp.baseAddress!, yp.baseAddress!)
                            Parallel.forEachChunk(rows, minimumPerChunk: max(1, Parallel.elementwiseGrain / s)) { range in
                                for r in range {
                                    // Row pointers keep the inner loop free of overflow checks, so it vectorises.
                                    let vr = v0 + r * s, orow = o + r * s, xr = x0 + (r / k) * s, yr = y0 + (r / k) * s
                                    for i in 0..<s { orow[i] = vr[i] * d(xr[i], yr[i]) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
