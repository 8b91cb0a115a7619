import CBLAS
import Glibc

/// OpenBLAS facts and settings: the kernel it picked, the core type to ask for, its threads.
public enum BLAS {
    /// The name of the kernel set OpenBLAS chose at load time (e.g. "SkylakeX", "Prescott").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The `OPENBLAS_CORETYPE` this CPU should use, from /proc/cpuinfo flags
    /// (avx512f → "SkylakeX", avx2 → "Haswell"), or nil when neither applies or it cannot be read.
    public static func recommendedCoreType(cpuinfo: String? = nil) -> String? {
        guard let text = cpuinfo ?? readCPUInfo() else { return nil }
        guard let flagsLine = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        if flags.contains("avx512f") { return "SkylakeX" }
        if flags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// How long (log₂ CPU cycles) an idle OpenBLAS worker spins before it sleeps: about 20 µs
    /// instead of OpenBLAS's 2²⁸ (~0.1 s), during which it took a core from the engine's own
    /// parallel loops between matrix products (2-thread training epochs 15–30 % slower; bench/RESULTS.md).
    public static let threadTimeout = "16"

    /// The environment OpenBLAS should start with on this machine: `OPENBLAS_CORETYPE` when the
    /// CPU needs it named (see `recommendedCoreType`) and `OPENBLAS_THREAD_TIMEOUT`. OpenBLAS reads
    /// both only when it loads, so they belong in a kernelspec's env or a re-executed process.
    public static func launchEnvironment(cpuinfo: String? = nil) -> [String: String] {
        var environment = ["OPENBLAS_THREAD_TIMEOUT": threadTimeout]
        if let core = recommendedCoreType(cpuinfo: cpuinfo) { environment["OPENBLAS_CORETYPE"] = core }
        return environment
    }

    /// Re-executes the running binary (/proc/self/exe, same arguments) once with the variables of
    /// `launchEnvironment` that are unset; values the user set are kept. Returns when none was
    /// missing, or when exec failed (OpenBLAS's defaults then stand).
    public static func ensureLaunchEnvironment() {
        var missing = false
        for (name, value) in launchEnvironment() where getenv(name) == nil {
            setenv(name, value, 1)
            missing = true
        }
        if missing { execv("/proc/self/exe", CommandLine.unsafeArgv) }
    }

    /// Whether the running process has the fast kernels its CPU allows
    /// (false means `OPENBLAS_CORETYPE` should be set before start-up).
    public static var hasRecommendedCore: Bool {
        guard let wanted = recommendedCoreType() else { return true }
        return coreName.lowercased() == wanted.lowercased()
    }

    /// Threads used by OpenBLAS and by the engine's own parallel loops (1 inside a share of
    /// `Parallel.forEachShare`, where each thread works alone).
    public static var threadCount: Int {
        get { ShareFlag.isSet ? 1 : state.withLock { $0.configured } }
        set {
            state.withLock(when: { $0.threadedProducts == 0 }) { state in
                state.configured = max(1, newValue)
                if state.singleThreadedSections == 0 { openblas_set_num_threads(Int32(state.configured)) }
            }
        }
    }

    /// Products with fewer multiply-adds run on one thread: waking OpenBLAS's workers costs more
    /// than they save (the AutoEncoder's 128 × 784 × 16 products made its 2-thread epoch slower
    /// than its 1-thread one).
    static let threadedProductMinimum = 1 << 22

    /// OpenBLAS's thread setting is process-wide, and its results depend on it (a 16 × 784 × 512
    /// product differs in the last bits at 1 and 2 threads). So the engine changes it only between
    /// threaded products: a single-threaded section waits until none is running, and a threaded
    /// product waits until no section is. Results then depend only on the configured count, even
    /// with engine calls on several threads at once (as in the tests).
    private struct State {
        var configured: Int
        var singleThreadedSections = 0
        var threadedProducts = 0
    }

    private static let state = PosixLocked(State(configured: Int(openblas_get_num_threads())))

    /// Runs `body` with OpenBLAS single-threaded (products called from several threads at once,
    /// each working alone), then restores the configured count.
    static func withSingleThreadedProducts<R>(_ body: () -> R) -> R {
        state.withLock(when: { $0.threadedProducts == 0 }) { state in
            if state.singleThreadedSections == 0 { openblas_set_num_threads(1) }
            state.singleThreadedSections += 1
        }
        defer {
            state.withLock { state in
                state.singleThreadedSections -= 1
                if state.singleThreadedSections == 0 { openblas_set_num_threads(Int32(state.configured)) }
            }
        }
        return body()
    }

    /// Runs `body`, a product threaded by OpenBLAS at the configured count, outside any
    /// single-threaded section.
    static func withThreadedProduct<R>(_ body: () -> R) -> R {
        state.withLock(when: { $0.singleThreadedSections == 0 }) { $0.threadedProducts += 1 }
        defer { state.withLock { $0.threadedProducts -= 1 } }
        return body()
    }

    private static func readCPUInfo() -> String? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var result = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let line = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            result += line
            if line.hasPrefix("flags") { break }
        }
        return result
    }
}

/// Row-major single-precision GEMM: C = alpha · op(A) · op(B) + beta · C, op(X) = X or Xᵀ.
///
/// `a` is M×K (or K×M when transposed) with leading dimension lda, likewise b, c is M×N.
@inline(__always)
func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
           alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
           b: UnsafePointer<Float>, ldb: Int,
           beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
        return
    }
    let product = {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    // In Double: the count of multiply-adds need not fit an Int.
    if BLAS.threadCount == 1 {
        product()
    } else if Double(m) * Double(n) * Double(k) < Double(BLAS.threadedProductMinimum) {
        BLAS.withSingleThreadedProducts(product)
    } else {
        BLAS.withThreadedProduct(product)
    }
}
