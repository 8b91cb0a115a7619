#if canImport(Glibc)
import Glibc
#endif

/// The OpenBLAS kernel family for this CPU (OpenBLAS 0.3.21 does not recognise recent CPUs and
/// falls back to its slowest kernels unless `OPENBLAS_CORETYPE` names one; PLATFORM.md).
public enum OpenBLASCoreType {
    /// `SkylakeX` with AVX-512F, `Haswell` with AVX2, nil otherwise (OpenBLAS's own choice stands).
    public static func choose(cpuFlags: Set<Substring>) -> String? {
        if cpuFlags.contains("avx512f") { return "SkylakeX" }
        if cpuFlags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// The choice for the flags in a /proc/cpuinfo text.
    public static func choose(cpuinfo: String) -> String? {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return choose(cpuFlags: Set(line[line.index(after: colon)...].split(separator: " ")))
        }
        return nil
    }

    /// The choice for this machine (reads /proc/cpuinfo; nil when it cannot be read).
    public static func forThisMachine() -> String? {
        guard let text = readTextFile("/proc/cpuinfo") else { return nil }
        return choose(cpuinfo: text)
    }
}

/// The contents of a text file, or nil when it cannot be read.
func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}
