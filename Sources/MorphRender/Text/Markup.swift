/// Escaping for XML, SVG and HTML text and attributes.
enum Markup {
    /// `text` safe inside an element or a double-quoted attribute: & < > " ' escaped, and
    /// control characters XML forbids dropped.
    static func escape(_ text: String) -> String {
        var needs = false
        for u in text.utf8 where u == 0x26 || u == 0x3C || u == 0x3E || u == 0x22 || u == 0x27 || (u < 0x20 && u != 0x09 && u != 0x0A && u != 0x0D) {
            needs = true
            break
        }
        guard needs else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for s in text.unicodeScalars {
            switch s {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(s)
            default:
                if s.value < 0x20 || s.value == 0xFFFE || s.value == 0xFFFF { continue }
                out.unicodeScalars.append(s)
            }
        }
        return out
    }
}

/// Colour text for SVG and HTML.
enum SVGText {
    /// `#rrggbb` for three bytes.
    static func hex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for v in [r, g, b] {
            s.append(digits[Int(v >> 4)])
            s.append(digits[Int(v & 0xF)])
        }
        return s
    }
}
