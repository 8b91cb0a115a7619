import MorphJSON

/// One notebook cell.
public struct Cell: Sendable, Equatable {
    /// The three kinds of cell nbformat knows.
    public enum Kind: String, Sendable {
        case code, markdown, raw
    }

    /// The cell's id (nbformat 4.5).
    public var id: String
    /// Code, Markdown or raw.
    public var kind: Kind
    /// The cell's text.
    public var source: String
    /// Cell metadata (tags, …).
    public var metadata: [String: JSON]
    /// Outputs of a code cell, as nbformat JSON objects.
    public var outputs: [JSON]
    /// The execution count of a code cell that ran.
    public var executionCount: Int?

    /// A cell from its parts.
    public init(id: String, kind: Kind, source: String, metadata: [String: JSON] = [:], outputs: [JSON] = [], executionCount: Int? = nil) {
        self.id = id
        self.kind = kind
        self.source = source
        self.metadata = metadata
        self.outputs = outputs
        self.executionCount = executionCount
    }

    /// The cell's tags.
    public var tags: [String] {
        get { metadata["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        set { metadata["tags"] = .array(newValue.map(JSON.string)) }
    }

    static func isIDCharacter(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_": return true
        default: return false
        }
    }

    init(json: JSON, index: Int, notebook: String) throws(NotebookError) {
        guard case .object(let o) = json else { throw NotebookError("\(notebook): cell \(index + 1) is not a JSON object") }
        guard let kindName = o["cell_type"]?.stringValue, let kind = Kind(rawValue: kindName) else {
            throw NotebookError("\(notebook): cell \(index + 1) has no valid cell_type (code, markdown or raw)")
        }
        let source: String
        switch o["source"] {
        case .string(let s)?: source = s
        case .array(let parts)?:
            var s = ""
            for part in parts {
                guard let p = part.stringValue else { throw NotebookError("\(notebook): cell \(index + 1) has a non-string line in its source") }
                s += p
            }
            source = s
        case nil: source = ""
        default: throw NotebookError("\(notebook): cell \(index + 1) has a source that is neither a string nor a list of strings")
        }
        self.init(
            id: o["id"]?.stringValue ?? "", kind: kind, source: source, metadata: o["metadata"]?.objectValue ?? [:],
            outputs: o["outputs"]?.arrayValue ?? [], executionCount: o["execution_count"]?.intValue)
    }

    func json() -> JSON {
        var o: [String: JSON] = [
            "id": .string(id),
            "cell_type": .string(kind.rawValue),
            "metadata": .object(metadata),
            "source": Cell.lines(source),
        ]
        if kind == .code {
            o["outputs"] = .array(outputs)
            o["execution_count"] = executionCount.map { JSON($0) } ?? .null
        }
        return .object(o)
    }

    /// Text as nbformat stores it: a list of lines, each keeping its newline.
    static func lines(_ text: String) -> JSON {
        var out: [JSON] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "\n" { out.append(.string(current)); current = "" }
        }
        if !current.isEmpty { out.append(.string(current)) }
        return .array(out)
    }
}
