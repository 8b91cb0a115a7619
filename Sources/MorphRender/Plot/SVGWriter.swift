/// A small writer of well-formed SVG: elements open and close in order, attribute values and
/// text are escaped, attributes are written in a stable order.
struct _SVGWriter {
    private(set) var text = ""
    private var stack: [String] = []

    /// Coordinates with at most one decimal ("12.5", "3").
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = (v * 10).rounded()
        guard abs(tenths) < 1e12 else { return "0" }
        let i = Int64(tenths)
        let whole = i / 10, frac = abs(i % 10)
        let sign = (i < 0 && whole == 0) ? "-" : ""
        return frac == 0 ? sign + String(whole) : sign + String(whole) + "." + String(frac)
    }

    private static let order = ["xmlns", "id", "x", "y", "cx", "cy", "r", "width", "height", "viewBox", "d", "dy"]

    private mutating func start(_ name: String, _ attributes: [String: String]) {
        text += "<" + name
        let keys = attributes.keys.sorted { a, b in
            let ia = _SVGWriter.order.firstIndex(of: a) ?? Int.max, ib = _SVGWriter.order.firstIndex(of: b) ?? Int.max
            return ia != ib ? ia < ib : a < b
        }
        for key in keys {
            text += " " + key + "=\"" + Markup.escape(attributes[key] ?? "") + "\""
        }
    }

    mutating func open(_ name: String, _ attributes: [String: String] = [:]) {
        start(name, attributes)
        text += ">"
        if name == "svg" || name == "g" || name == "defs" { text += "\n" }
        stack.append(name)
    }

    mutating func close(_ name: String) {
        // Close exactly what is open, so the document stays balanced whatever the caller does.
        guard let last = stack.popLast() else { return }
        assert(last == name, "SVG writer closed <\(name)> while <\(last)> was open")
        text += "</" + last + ">\n"
    }

    mutating func empty(_ name: String, _ attributes: [String: String]) {
        start(name, attributes)
        text += "/>\n"
    }

    mutating func element(_ name: String, _ attributes: [String: String] = [:], text content: String) {
        start(name, attributes)
        text += ">" + Markup.escape(content) + "</" + name + ">\n"
    }

    /// An element whose text may hold subscripts and superscripts written as in TeX: "‖J‖_F",
    /// "z_{k+1}", "x^2" are drawn lowered or raised and smaller.
    mutating func element(_ name: String, _ attributes: [String: String] = [:], rich content: String) {
        start(name, attributes)
        text += ">" + _SVGWriter.richText(content) + "</" + name + ">\n"
    }

    /// Escaped text with `_x`, `_{…}`, `^x` and `^{…}` as SVG tspans.
    static func richText(_ content: String) -> String {
        let scalars = Array(content)
        var out = "", i = 0
        while i < scalars.count {
            let c = scalars[i]
            if (c == "_" || c == "^"), i + 1 < scalars.count, i > 0, scalars[i - 1] != " " {
                var script = ""
                var j = i + 1
                if scalars[j] == "{", let close = scalars[j...].firstIndex(of: "}") {
                    script = String(scalars[(j + 1)..<close])
                    j = close + 1
                } else if scalars[j].isLetter || scalars[j].isNumber {
                    script = String(scalars[j])
                    j += 1
                }
                if !script.isEmpty {
                    let shift = c == "_" ? "sub" : "super"
                    out += "<tspan baseline-shift=\"\(shift)\" font-size=\"75%\">" + Markup.escape(script) + "</tspan>"
                    i = j
                    continue
                }
            }
            out += Markup.escape(String(c))
            i += 1
        }
        return out
    }
}
