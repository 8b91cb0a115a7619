#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import MorphRender

/// Writes files atomically (a private temporary file renamed into place), creating parent directories.
enum FileWriter {
    /// Writes `bytes` to the absolute `path`; never writes through a symbolic link planted there.
    static func write(_ bytes: [UInt8], to path: String) throws(ScriptError) {
        do {
            try MorphRender.Export.writeAtomically(bytes, to: path)
        } catch {
            throw ScriptError(kind: "OSError", message: "cannot write \(error.path): \(error.reason)")
        }
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
