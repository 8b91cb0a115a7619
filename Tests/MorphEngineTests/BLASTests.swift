import Testing
@testable import MorphEngine

@Suite("OpenBLAS: the kernel picked computes right")
struct BLASTests {
    @Test func recommendedCoreFromCPUFlags() {
        #expect(BLAS.recommendedCoreType(cpuinfo: "processor : 0\nflags\t\t: fpu sse avx2 avx512f\n") == "SkylakeX")
        #expect(BLAS.recommendedCoreType(cpuinfo: "flags : fpu sse avx avx2 fma\n") == "Haswell")
        #expect(BLAS.recommendedCoreType(cpuinfo: "flags : fpu sse sse2\n") == nil)
        #expect(BLAS.recommendedCoreType(cpuinfo: "nothing here") == nil)
    }

    @Test func launchEnvironmentNamesTheCoreAndAShortThreadTimeout() {
        #expect(BLAS.launchEnvironment(cpuinfo: "flags : fpu avx2 avx512f\n")
                == ["OPENBLAS_CORETYPE": "SkylakeX", "OPENBLAS_THREAD_TIMEOUT": BLAS.threadTimeout])
        #expect(BLAS.launchEnvironment(cpuinfo: "flags : fpu sse2\n") == ["OPENBLAS_THREAD_TIMEOUT": BLAS.threadTimeout])
    }

    @Test func sgemmMatchesDoubleReferenceWithTheChosenCore() throws {
        // Records which kernel is being proven: run with OPENBLAS_CORETYPE set as `morph` does.
        print("OpenBLAS core: \(BLAS.coreName), recommended: \(BLAS.recommendedCoreType() ?? "none"), threads: \(BLAS.threadCount)")
        #expect(!BLAS.coreName.isEmpty)
        for (m, k, n) in [(128, 784, 64), (67, 33, 129), (1, 16, 784)] {
            let a = try normal([m, k], seed: UInt64(m)), b = try normal([k, n], seed: UInt64(n))
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let lhs = ta ? try a.transposed() : a, rhs = tb ? try b.transposed() : b
                let c = try Tensor.matmul(lhs, rhs, transposingA: ta, transposingB: tb)
                var maxError = 0.0
                for i in 0..<m { for j in 0..<n {
                    var s = 0.0
                    for q in 0..<k { s += Double(a.scalars[i * k + q]) * Double(b.scalars[q * n + j]) }
                    maxError = max(maxError, abs(s - Double(c.scalars[i * n + j])) / (k.squareRootBound))
                } }
                #expect(maxError < 1e-5, "sgemm \(m)×\(k)·\(k)×\(n) transposes (\(ta), \(tb)) on core \(BLAS.coreName): error \(maxError)")
            }
        }
    }

    @Test func threadCountIsReadable() {
        #expect(BLAS.threadCount >= 1)
    }
}

extension Int {
    /// √k, the growth of a dot product's rounding error with its length.
    var squareRootBound: Double { Double(self).squareRoot() }
}
