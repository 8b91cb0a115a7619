#if canImport(Glibc)
import Glibc
#endif
import MorphJSON

/// The kernelspec `morph install` writes: kernel.json (from the template the repository's
/// top-level kernel.json holds) and the two logos, in a Jupyter data directory's kernels/NAME.
public enum Kernelspec {
    /// The template, identical to the repository's kernel.json (a test checks it).
    public static let template: JSON = [
        "argv": ["morph", "kernel", "--connection-file", "{connection_file}"],
        "display_name": "Morph",
        "language": "morph",
        "interrupt_mode": "message",
        "env": [:],
        "metadata": ["debugger": false],
    ]

    /// Why an install failed, in words the user can act on.
    public struct InstallError: Error, Sendable, CustomStringConvertible {
        /// What went wrong and what to do.
        public let description: String
    }

    /// kernel.json for the binary at `binaryPath`, with `environment` as its env (the OpenBLAS
    /// settings, so the kernel starts without re-executing itself).
    public static func kernelJSON(binaryPath: String, displayName: String = "Morph", environment: [String: String] = [:]) -> JSON {
        var spec = template
        spec["argv"] = [.string(binaryPath), "kernel", "--connection-file", "{connection_file}"]
        spec["display_name"] = .string(displayName)
        spec["env"] = .object(environment.mapValues { .string($0) })
        return spec
    }

    /// Whether `name` is a valid kernel name (letters, digits, `.`, `_`, `-`; not `.` or `..`).
    public static func isValidName(_ name: String) -> Bool {
        name != "." && name != ".." && !name.isEmpty && name.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-"
        }
    }

    /// Writes kernel.json, logo-32x32.png and logo-64x64.png into `kernelsDirectory/name`; returns that directory.
    @discardableResult
    public static func install(
        into kernelsDirectory: String, name: String, binaryPath: String, environment: [String: String] = [:]
    ) throws(InstallError) -> String {
        guard isValidName(name) else {
            throw InstallError(description: "'\(name)' is not a valid kernel name: use letters, digits, '.', '_' and '-' (not '.' or '..' alone)")
        }
        let directory = kernelsDirectory + "/" + name
        try makeDirectories(directory)
        let displayName = name == "morph" ? "Morph" : "Morph (\(name))"
        let spec = kernelJSON(binaryPath: binaryPath, displayName: displayName, environment: environment)
        try write(Array((spec.prettyPrinted(indent: 1) + "\n").utf8), to: directory + "/kernel.json")
        try write(Logo.png(size: 32), to: directory + "/logo-32x32.png")
        try write(Logo.png(size: 64), to: directory + "/logo-64x64.png")
        return directory
    }

    /// The user's Jupyter data directory: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter.
    public static func userDataDirectory(environment: (String) -> String? = Kernelspec.environment) -> String? {
        if let dir = environment("JUPYTER_DATA_DIR"), !dir.isEmpty { return dir }
        if let xdg = environment("XDG_DATA_HOME"), !xdg.isEmpty { return xdg + "/jupyter" }
        guard let home = environment("HOME"), !home.isEmpty else { return nil }
        return home + "/.local/share/jupyter"
    }

    /// An environment variable of this process.
    public static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The absolute path of the running executable (/proc/self/exe resolved).
    public static func currentExecutablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func makeDirectories(_ path: String) throws(InstallError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw InstallError(description: "cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(InstallError) {
        guard let file = fopen(path, "wb") else {
            throw InstallError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            throw InstallError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
