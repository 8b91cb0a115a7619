import MorphJSON

/// The cells history_request reads (tail, range, search): this session's, kept in memory, and
/// every earlier session's from a `HistoryStore` when there is one. Sessions are numbered as
/// IPython numbers them: 1, 2, … in the order kernels started; in a range request, session 0 is
/// this one and -n the n-th before it. A store that cannot be read or written (corrupt, locked,
/// unwritable) is reported once through `report` and history goes on in memory.
struct History {
    /// One stored cell.
    typealias Entry = HistoryStore.Entry

    /// This session's number in history replies (numbered when first needed, so that opening
    /// the store does not delay the kernel's first replies).
    private var number: Int?
    private var store: HistoryStore?
    private(set) var entries: [Entry] = []
    private var unsaved: [Entry] = []
    private let report: (String) -> Void
    private var reportedUnreadable = false

    /// History in memory only (session 1).
    init() {
        report = { _ in }
    }

    /// History kept in `store` (nil: memory only); `report` receives the one message saying the
    /// store failed and why.
    init(store: HistoryStore?, report: @escaping (String) -> Void) {
        self.report = report
        self.store = store
    }

    /// This session's number, starting the session in the store the first time.
    private mutating func session() -> Int {
        if let number { return number }
        var started = 1
        if let store {
            do {
                started = try store.beginSession(startedAt: Timestamp.now())
            } catch {
                self.store = nil
                report("history is kept in memory only for this session: \(error.description)")
            }
        }
        number = started
        return started
    }

    /// Keeps a cell; it reaches the store at the next `save` (after the request is answered,
    /// so the file's lock and write never delay a reply).
    mutating func append(line: Int, input: String, output: String?) {
        let session = session()
        let entry = Entry(session: session, line: line, input: input, output: output)
        entries.append(entry)
        if store != nil { unsaved.append(entry) }
    }

    /// Writes the cells kept since the last save to the store.
    mutating func save() {
        guard let store, !unsaved.isEmpty else { return }
        defer { unsaved = [] }
        do {
            try store.append(unsaved)
        } catch {
            self.store = nil
            report("history is kept in memory only from now on: \(error.description)")
        }
    }

    /// Earlier sessions' cells (from the store) followed by this session's.
    private mutating func allEntries() -> [Entry] {
        let session = session()
        save()
        guard let store else { return entries }
        do {
            let (stored, unreadable) = try store.load()
            if unreadable > 0 && !reportedUnreadable {
                reportedUnreadable = true
                report("history: skipped \(unreadable) unreadable line(s) in \(store.path)")
            }
            return stored.filter { $0.session != session } + entries
        } catch {
            self.store = nil
            report("history is kept in memory only from now on: \(error.description)")
            return entries
        }
    }

    /// The history_reply content for a history_request's content.
    mutating func reply(to request: JSON) -> JSON {
        let session = session()
        let includeOutput = request["output"]?.boolValue ?? false
        let selected: [Entry]
        switch request["hist_access_type"]?.stringValue ?? "tail" {
        case "range":
            let requested = request["session"]?.intValue ?? 0
            let wanted: Int
            if requested > 0 {
                wanted = requested
            } else {
                let (back, overflow) = session.addingReportingOverflow(requested)
                wanted = overflow ? 0 : back
            }
            let start = request["start"]?.intValue ?? 1
            let stop = request["stop"]?.intValue
            let pool = wanted == session ? entries : allEntries().filter { $0.session == wanted }
            selected = pool.filter { entry in entry.line >= start && (stop.map { entry.line < $0 } ?? true) }
        case "search":
            let pattern = request["pattern"]?.stringValue ?? "*"
            var matches = allEntries().filter { Glob.matches(pattern, $0.input) }
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
            selected = Array(allEntries().suffix(max(0, n)))
        }
        let rows: [JSON] = selected.map { entry in
            let third: JSON = includeOutput
                ? [.string(entry.input), entry.output.map { .string($0) } ?? .null] : .string(entry.input)
            return [JSON(entry.session), JSON(entry.line), third]
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
