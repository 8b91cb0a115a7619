import MorphJSON
import MorphRender

extension Value {
    /// Most elements an array shows as a result before eliding the middle.
    static let displayedElements = 100
    /// Most bytes of text one print or one result writes; longer output ends with "…".
    public static let outputLimit = 1 << 20

    /// `text` (strings as they are), stopping at `limit` bytes with "… (output truncated)":
    /// built piece by piece, so a huge nested array is never written out whole.
    public func text(limit: Int) -> String {
        if case .string(let s) = self {
            return s.utf8.count <= limit ? s : String(decoding: s.utf8.prefix(limit), as: UTF8.self) + "… (output truncated)"
        }
        return repr(limit: limit)
    }

    /// `repr`, stopping at `limit` bytes with "… (output truncated)".
    public func repr(limit: Int) -> String {
        var out = ""
        var truncated = false
        func write(_ value: Value) {
            guard !truncated else { return }
            if case .array(let elements) = value {
                out += "["
                for (i, element) in elements.enumerated() {
                    if i > 0 { out += ", " }
                    write(element)
                    if truncated { return }
                    if out.utf8.count > limit { truncated = true; return }
                }
                out += "]"
            } else {
                out += value.repr
                if out.utf8.count > limit { truncated = true }
            }
        }
        write(self)
        guard truncated else { return out }
        return String(decoding: out.utf8.prefix(limit), as: UTF8.self) + "… (output truncated)"
    }

    /// The value's rich form: a host value's own bundle (text/plain added when missing),
    /// otherwise its text.
    public var displayBundle: MimeBundle {
        switch self {
        case .host(let object):
            var bundle = object.displayBundle()
            if bundle.data["text/plain"] == nil { bundle.data["text/plain"] = .string(object.summary) }
            return bundle
        case .array(let elements) where elements.count > Value.displayedElements:
            let each = Value.outputLimit / Value.displayedElements
            let head = elements.prefix(Value.displayedElements - 10).map { $0.repr(limit: each) }
            let tail = elements.suffix(10).map { $0.repr(limit: each) }
            let text = "[" + head.joined(separator: ", ") + ", … (\(elements.count - head.count - tail.count) more), " + tail.joined(separator: ", ") + "]"
            return MimeBundle(plainText: text)
        default:
            return MimeBundle(plainText: repr(limit: Value.outputLimit))
        }
    }
}
