/// Base64 encoding (RFC 4648, standard alphabet, with padding), as Jupyter carries binary MIME data.
public enum Base64 {
    /// The base64 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let n = bytes.count
        let outCount = (n + 2) / 3 * 4
        guard outCount > 0 else { return "" }
        return String(unsafeUninitializedCapacity: outCount) { out in
            let table = alphabet.utf8Start
            bytes.withUnsafeBufferPointer { src in
                var i = 0, o = 0
                while i + 3 <= n {
                    let v = UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
                    out[o] = table[Int(v >> 18)]
                    out[o + 1] = table[Int((v >> 12) & 63)]
                    out[o + 2] = table[Int((v >> 6) & 63)]
                    out[o + 3] = table[Int(v & 63)]
                    i += 3
                    o += 4
                }
                let rest = n - i
                if rest > 0 {
                    let v = UInt32(src[i]) << 16 | (rest == 2 ? UInt32(src[i + 1]) << 8 : 0)
                    out[o] = table[Int(v >> 18)]
                    out[o + 1] = table[Int((v >> 12) & 63)]
                    out[o + 2] = rest == 2 ? table[Int((v >> 6) & 63)] : UInt8(ascii: "=")
                    out[o + 3] = UInt8(ascii: "=")
                }
            }
            return outCount
        }
    }

    /// The bytes of base64 `text` (whitespace ignored), or nil if it is not valid base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 4 * 3)
        var buffer: UInt32 = 0, bits = 0, padding = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - 65)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - 97 + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - 48 + 52)
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="): padding += 1; continue
            case 0x20, 0x0A, 0x0D, 0x09: continue
            default: return nil
            }
            if padding > 0 { return nil }
            buffer = buffer << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return padding <= 2 ? out : nil
    }
}
