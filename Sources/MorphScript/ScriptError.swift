/// An error a cell raised, as the user sees it: a kind, a message that says what was
/// expected, and where (line and column, with the source line and a caret).
public struct ScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// SyntaxError, NameError, TypeError, ValueError, IndexError, Interrupted, …
    public var kind: String
    /// What went wrong and what was expected.
    public var message: String
    /// 1-based line in the cell, if known.
    public var line: Int?
    /// 1-based column (in characters), if known.
    public var column: Int?
    /// The offending source line, if known.
    public var sourceLine: String?
    /// A "did you mean …?" suggestion, if any.
    public var suggestion: String?

    /// An error from its parts.
    public init(
        kind: String, message: String, line: Int? = nil, column: Int? = nil,
        sourceLine: String? = nil, suggestion: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
        self.sourceLine = sourceLine
        self.suggestion = suggestion
    }

    /// The message with its suggestion, as Jupyter's `evalue`.
    public var value: String {
        if let suggestion { return "\(message) (did you mean '\(suggestion)'?)" }
        return message
    }

    /// The lines of the traceback: location, source line, caret, then `Kind: value`.
    public var traceback: [String] {
        var lines: [String] = []
        if let line {
            lines.append("Cell line \(line)" + (column.map { ", column \($0)" } ?? ""))
            if let sourceLine {
                lines.append("    " + sourceLine)
                if let column { lines.append("    " + String(repeating: " ", count: max(0, column - 1)) + "^") }
            }
        }
        lines.append("\(kind): \(value)")
        return lines
    }

    public var description: String { traceback.joined(separator: "\n") }
}

/// Runs a rendering or export step, reporting its failure as a ValueError with the renderer's message.
func asValueError<R>(_ body: () throws -> R) throws(ScriptError) -> R {
    do { return try body() } catch { throw ScriptError(kind: "ValueError", message: String(describing: error)) }
}
