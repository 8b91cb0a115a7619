/// A small, strict well-formedness checker for the XML Morph writes (SVG): one root element,
/// balanced and properly nested tags, quoted unique attributes, and `&` / `<` only as markup or
/// known entities. Returns the elements found, in document order, for further checks.
struct XMLElement: Equatable {
    var name: String
    var attributes: [String: String]
    var text: String
}

struct XMLError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func checkXML(_ document: String) throws -> [XMLElement] {
    let s = Array(document.unicodeScalars)
    var i = 0
    var stack: [Int] = []  // indices into elements
    var elements: [XMLElement] = []
    var rootClosed = false

    func isNameChar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_" || c == ":" || c == "."
    }
    func readName() throws -> String {
        let start = i
        while i < s.count, isNameChar(s[i]) { i += 1 }
        guard i > start else { throw XMLError("expected a name at \(i)") }
        return String(String.UnicodeScalarView(s[start..<i]))
    }
    func skipSpace() { while i < s.count, s[i] == " " || s[i] == "\n" || s[i] == "\t" || s[i] == "\r" { i += 1 } }
    func decodeText(_ scalars: ArraySlice<Unicode.Scalar>) throws -> String {
        var out = ""
        var j = scalars.startIndex
        while j < scalars.endIndex {
            let c = scalars[j]
            if c == "<" { throw XMLError("raw '<' in text or attribute") }
            if c == "&" {
                guard let end = scalars[j...].firstIndex(of: ";") else { throw XMLError("unterminated entity") }
                let entity = String(String.UnicodeScalarView(scalars[(j + 1)..<end]))
                switch entity {
                case "amp": out += "&"
                case "lt": out += "<"
                case "gt": out += ">"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    if entity.hasPrefix("#x"), let v = UInt32(entity.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) {
                        out.unicodeScalars.append(u)
                    } else if entity.hasPrefix("#"), let v = UInt32(entity.dropFirst()), let u = Unicode.Scalar(v) {
                        out.unicodeScalars.append(u)
                    } else {
                        throw XMLError("unknown entity &\(entity);")
                    }
                }
                j = end + 1
                continue
            }
            if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { throw XMLError("control character U+\(c.value)") }
            out.unicodeScalars.append(c)
            j += 1
        }
        return out
    }

    // Optional prolog.
    skipSpace()
    if i + 5 < s.count, String(String.UnicodeScalarView(s[i..<(i + 5)])) == "<?xml" {
        while i + 1 < s.count, !(s[i] == "?" && s[i + 1] == ">") { i += 1 }
        guard i + 1 < s.count else { throw XMLError("unterminated prolog") }
        i += 2
    }
    while i < s.count {
        if s[i] == "<" {
            i += 1
            if i < s.count, s[i] == "/" {
                i += 1
                let name = try readName()
                skipSpace()
                guard i < s.count, s[i] == ">" else { throw XMLError("bad end tag </\(name)") }
                i += 1
                guard let open = stack.popLast() else { throw XMLError("end tag </\(name)> with nothing open") }
                guard elements[open].name == name else { throw XMLError("</\(name)> closes <\(elements[open].name)>") }
                if stack.isEmpty { rootClosed = true }
                continue
            }
            if i + 2 < s.count, s[i] == "!", s[i + 1] == "-", s[i + 2] == "-" {
                while i + 2 < s.count, !(s[i] == "-" && s[i + 1] == "-" && s[i + 2] == ">") { i += 1 }
                i += 3
                continue
            }
            guard !rootClosed else { throw XMLError("a second root element") }
            let name = try readName()
            var attributes: [String: String] = [:]
            while true {
                skipSpace()
                guard i < s.count else { throw XMLError("unterminated tag <\(name)") }
                if s[i] == ">" || s[i] == "/" { break }
                let key = try readName()
                skipSpace()
                guard i < s.count, s[i] == "=" else { throw XMLError("attribute \(key) without value") }
                i += 1
                skipSpace()
                guard i < s.count, s[i] == "\"" || s[i] == "'" else { throw XMLError("unquoted attribute \(key)") }
                let quote = s[i]
                i += 1
                let start = i
                while i < s.count, s[i] != quote { i += 1 }
                guard i < s.count else { throw XMLError("unterminated attribute \(key)") }
                guard attributes[key] == nil else { throw XMLError("duplicate attribute \(key) on <\(name)>") }
                attributes[key] = try decodeText(s[start..<i])
                i += 1
            }
            elements.append(XMLElement(name: name, attributes: attributes, text: ""))
            if s[i] == "/" {
                guard i + 1 < s.count, s[i + 1] == ">" else { throw XMLError("bad empty tag <\(name)") }
                i += 2
                if stack.isEmpty { rootClosed = true }
            } else {
                i += 1
                stack.append(elements.count - 1)
            }
        } else {
            let start = i
            while i < s.count, s[i] != "<" { i += 1 }
            let text = try decodeText(s[start..<i])
            if let open = stack.last {
                elements[open].text += text
            } else if !text.allSatisfy(\.isWhitespace) {
                throw XMLError("text outside the root element")
            }
        }
    }
    guard stack.isEmpty else { throw XMLError("unclosed <\(elements[stack.last!].name)>") }
    guard !elements.isEmpty else { throw XMLError("no root element") }
    return elements
}
