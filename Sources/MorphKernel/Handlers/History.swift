import MorphJSON

/// The cells run in this kernel session, as history_request reads them (tail, range, search).
struct History {
    /// One stored cell.
    struct Entry {
        var line: Int
        var input: String
        var output: String?
    }

    /// This session's number in history replies.
    let session = 1
    private(set) var entries: [Entry] = []

    mutating func append(line: Int, input: String, output: String?) {
        entries.append(Entry(line: line, input: input, output: output))
    }

    /// The history_reply content for a history_request's content.
    func reply(to request: JSON) -> JSON {
        let includeOutput = request["output"]?.boolValue ?? false
        let selected: [Entry]
        switch request["hist_access_type"]?.stringValue ?? "tail" {
        case "range":
            let requested = request["session"]?.intValue ?? 0
            guard requested == 0 || requested == session else { selected = []; break }
            let start = request["start"]?.intValue ?? 1
            let stop = request["stop"]?.intValue
            selected = entries.filter { entry in entry.line >= start && (stop.map { entry.line < $0 } ?? true) }
        case "search":
            let pattern = request["pattern"]?.stringValue ?? "*"
            var matches = entries.filter { Glob.matches(pattern, $0.input) }
            if request["unique"]?.boolValue ?? false {
                var seen: Set<String> = []
                var unique: [Entry] = []
                for entry in matches.reversed() where seen.insert(entry.input).inserted { unique.append(entry) }
                matches = unique.reversed()
            }
            if let n = request["n"]?.intValue, n >= 0 { matches = Array(matches.suffix(n)) }
            selected = matches
        default:
            let n = request["n"]?.intValue ?? 10
            selected = Array(entries.suffix(max(0, n)))
        }
        let rows: [JSON] = selected.map { entry in
            let third: JSON = includeOutput
                ? [.string(entry.input), entry.output.map { .string($0) } ?? .null] : .string(entry.input)
            return [JSON(session), JSON(entry.line), third]
        }
        return ["status": "ok", "history": .array(rows)]
    }
}

/// Shell-style glob matching of whole strings: `*` any run, `?` one character, `[abc]`/`[a-z]`/`[!x]` a set.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var pi = 0, ti = 0
        var starP = -1, starT = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "*" {
                starP = pi; starT = ti; pi += 1
                continue
            }
            if pi < p.count, let next = matchOne(p, pi, t[ti]) {
                pi = next; ti += 1
                continue
            }
            guard starP >= 0 else { return false }
            pi = starP + 1; starT += 1; ti = starT
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// The pattern index after the element at `pi` if it matches `c`, else nil.
    private static func matchOne(_ p: [Unicode.Scalar], _ pi: Int, _ c: Unicode.Scalar) -> Int? {
        switch p[pi] {
        case "?": return pi + 1
        case "[":
            var i = pi + 1
            var negate = false
            if i < p.count, p[i] == "!" || p[i] == "^" { negate = true; i += 1 }
            var matched = false
            var first = true
            while i < p.count, p[i] != "]" || first {
                first = false
                if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                    if p[i] <= c && c <= p[i + 2] { matched = true }
                    i += 3
                } else {
                    if p[i] == c { matched = true }
                    i += 1
                }
            }
            guard i < p.count else { return p[pi] == c ? pi + 1 : nil }  // no closing bracket: literal '['
            return matched != negate ? i + 1 : nil
        default:
            return p[pi] == c ? pi + 1 : nil
        }
    }
}
