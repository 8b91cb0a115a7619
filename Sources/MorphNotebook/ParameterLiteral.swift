/// Checks `-p NAME=VALUE` arguments: NAME an identifier, VALUE a MorphScript literal.
public enum ParameterLiteral {
    /// The name and literal of one `NAME=VALUE` argument, or an error saying what to write instead.
    public static func parse(_ argument: String) throws(NotebookError) -> (name: String, literal: String) {
        guard let eq = argument.firstIndex(of: "=") else {
            throw NotebookError("-p \(argument): expected NAME=VALUE, e.g. -p epochs=3")
        }
        let name = String(argument[..<eq]).trimmingWhitespace()
        let value = String(argument[argument.index(after: eq)...]).trimmingWhitespace()
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
            name.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else {
            throw NotebookError("-p \(argument): '\(name)' is not a valid variable name (letters, digits and _, not starting with a digit)")
        }
        // A bare word is a string, as in papermill (-p dataset=mnist): quoted for MorphScript.
        if let first = value.unicodeScalars.first, first == "_" || first.properties.isAlphabetic, value != "true", value != "false",
           value.unicodeScalars.allSatisfy({ $0 == "_" || $0 == "-" || $0 == "." || $0.properties.isAlphabetic || ("0"..."9").contains($0) }) {
            return (name, "\"" + value + "\"")
        }
        var scanner = LiteralScanner(Array(value.unicodeScalars))
        guard scanner.literal(depth: 0), scanner.atEnd else {
            throw NotebookError(
                "-p \(argument): '\(value)' is not a MorphScript literal; use a number (3, 0.5), true/false, a word (mnist), a quoted string (-p \(name)='\"two words\"') or a list ([0, 1])")
        }
        return (name, value)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}

/// A recogniser for literals: numbers, booleans, strings without interpolation, and lists of them.
struct LiteralScanner {
    let s: [Unicode.Scalar]
    var i = 0

    init(_ s: [Unicode.Scalar]) { self.s = s }

    var atEnd: Bool { i == s.count }

    mutating func skipSpace() { while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 } }

    mutating func literal(depth: Int) -> Bool {
        skipSpace()
        guard i < s.count, depth < 32 else { return false }
        let ok: Bool
        switch s[i] {
        case "\"": ok = string()
        case "[": ok = list(depth: depth)
        case "-", "0"..."9": ok = number()
        default: ok = word("true") || word("false")
        }
        skipSpace()
        return ok
    }

    mutating func word(_ w: String) -> Bool {
        let scalars = Array(w.unicodeScalars)
        guard i + scalars.count <= s.count, Array(s[i..<i + scalars.count]) == scalars else { return false }
        i += scalars.count
        return true
    }

    mutating func number() -> Bool {
        if s[i] == "-" { i += 1 }
        let start = i
        while i < s.count, ("0"..."9").contains(s[i]) || s[i] == "_" { i += 1 }
        guard i > start else { return false }
        if i < s.count, s[i] == "." {
            i += 1
            let f = i
            while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
            guard i > f else { return false }
        }
        if i < s.count, s[i] == "e" || s[i] == "E" {
            i += 1
            if i < s.count, s[i] == "+" || s[i] == "-" { i += 1 }
            let e = i
            while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
            guard i > e else { return false }
        }
        return true
    }

    mutating func string() -> Bool {
        i += 1
        while i < s.count {
            switch s[i] {
            case "\"": i += 1; return true
            case "\\":
                guard i + 1 < s.count, s[i + 1] != "(" else { return false }
                i += 2
            case "\n": return false
            default: i += 1
            }
        }
        return false
    }

    mutating func list(depth: Int) -> Bool {
        i += 1
        skipSpace()
        if i < s.count, s[i] == "]" { i += 1; return true }
        while true {
            guard literal(depth: depth + 1) else { return false }
            guard i < s.count else { return false }
            if s[i] == "]" { i += 1; return true }
            guard s[i] == "," else { return false }
            i += 1
        }
    }
}
