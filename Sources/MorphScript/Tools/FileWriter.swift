#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files atomically (a temporary file renamed into place), creating parent directories.
enum FileWriter {
    /// Writes `bytes` to the absolute `path`.
    static func write(_ bytes: [UInt8], to path: String) throws(ScriptError) {
        let parent = directory(of: path)
        if !parent.isEmpty { try makeDirectories(parent) }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(path)") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, base + written, buffer.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let error = failure("cannot write \(path)")
                close(fd)
                unlink(temporary)
                throw error
            }
            written += n
        }
        guard close(fd) == 0, rename(temporary, path) == 0 else {
            let error = failure("cannot write \(path)")
            unlink(temporary)
            throw error
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    private static func makeDirectories(_ path: String) throws(ScriptError) {
        let components = path.split(separator: "/").map(String.init)
        let root = path.hasPrefix("/") ? "/" : ""
        for i in components.indices {
            let directory = root + components[0...i].joined(separator: "/")
            var info = stat()
            if stat(directory, &info) == 0 {
                if (info.st_mode & S_IFMT) != S_IFDIR {
                    throw ScriptError(kind: "OSError", message: "cannot create directory \(directory): a file with that name exists")
                }
                continue
            }
            if mkdir(directory, 0o755) != 0 && errno != EEXIST { throw failure("cannot create directory \(directory)") }
        }
    }

    private static func failure(_ what: String) -> ScriptError {
        ScriptError(kind: "OSError", message: "\(what): \(String(cString: strerror(errno)))")
    }

    /// Decodes standard base64 (ignoring whitespace); nil when malformed.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "): continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i + 1 < values.count {
            let a = values[i], b = values[i + 1]
            out.append(a << 2 | b >> 4)
            if i + 2 < values.count { out.append((b & 0xF) << 4 | values[i + 2] >> 2) }
            if i + 3 < values.count { out.append((values[i + 2] & 0x3) << 6 | values[i + 3]) }
            i += 4
        }
        return out
    }
}
