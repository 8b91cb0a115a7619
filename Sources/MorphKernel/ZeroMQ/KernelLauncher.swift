#if canImport(Glibc)
import Glibc
#endif

/// morph-kernel, the small program kernelspecs run: it listens on the kernel's ports about a
/// millisecond after it starts (morph itself needs 10-25 ms to load its libraries first) and
/// then execs the morph binary beside it, handing the listening sockets over.
public enum KernelLauncher {
    /// The launcher's file name.
    public static let name = "morph-kernel"

    /// The launcher beside the morph binary at `binaryPath`, if it is there and executable.
    public static func path(beside binaryPath: String) -> String? {
        guard let slash = binaryPath.lastIndex(of: "/") else { return nil }
        let candidate = String(binaryPath[...slash]) + name
        return access(candidate, X_OK) == 0 ? candidate : nil
    }
}
