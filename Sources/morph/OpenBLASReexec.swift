#if canImport(Glibc)
import Glibc
#endif
import MorphKernel

/// OpenBLAS reads `OPENBLAS_CORETYPE` only when it loads, before `main` runs (PLATFORM.md): when
/// the variable is unset, set it from the CPU's features and re-execute this binary once.
enum OpenBLASReexec {
    /// Re-executes /proc/self/exe with the variable set, if it is unset and this CPU needs it.
    /// Returns only when no re-exec was needed (or exec failed, which leaves OpenBLAS's default).
    static func ensureCoreType() {
        guard getenv("OPENBLAS_CORETYPE") == nil, let coreType = OpenBLASCoreType.forThisMachine() else { return }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
