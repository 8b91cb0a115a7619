import MorphJSON
import MorphRender

extension Value {
    /// Most elements an array shows as a result before eliding the middle.
    static let displayedElements = 100

    /// The value's rich form: a host value's own bundle (text/plain added when missing),
    /// otherwise its text.
    public var displayBundle: MimeBundle {
        switch self {
        case .host(let object):
            var bundle = object.displayBundle()
            if bundle.data["text/plain"] == nil { bundle.data["text/plain"] = .string(object.summary) }
            return bundle
        case .array(let elements) where elements.count > Value.displayedElements:
            let head = elements.prefix(Value.displayedElements - 10).map(\.repr)
            let tail = elements.suffix(10).map(\.repr)
            let text = "[" + head.joined(separator: ", ") + ", … (\(elements.count - head.count - tail.count) more), " + tail.joined(separator: ", ") + "]"
            return MimeBundle(plainText: text)
        default:
            return MimeBundle(plainText: repr)
        }
    }
}
