import MorphRender

/// The interpreter state of one kernel session: variables persist across cells.
///
/// PLACEHOLDER: the language issue replaces this with the real interpreter; the signatures
/// below are the contract the kernel and `morph run` build on.
public final class Session {
    /// A fresh session with the standard builtins.
    public init() {}

    /// Runs a cell; returns the rich form of its last expression (nil when it has none),
    /// or throws the error that stopped it. A failing statement binds nothing.
    public func execute(_ code: String, in context: ExecutionContext) throws(ScriptError) -> MimeBundle? {
        throw ScriptError(kind: "NotImplemented", message: "the interpreter is not built yet")
    }

    /// Evaluates one expression for user_expressions, without side effects on the cell output.
    public func evaluate(expression: String, in context: ExecutionContext) throws(ScriptError) -> MimeBundle {
        throw ScriptError(kind: "NotImplemented", message: "the interpreter is not built yet")
    }

    /// Whether `code` is ready to run.
    public func completeness(of code: String) -> Completeness { .complete }

    /// Completions at `cursor` (a code-point offset into `code`).
    public func completions(in code: String, cursor: Int) -> CompletionResult {
        CompletionResult(matches: [], cursorStart: cursor, cursorEnd: cursor)
    }

    /// Documentation of what is at `cursor` (text/plain and text/markdown), or nil.
    public func inspection(of code: String, cursor: Int, detailLevel: Int) -> MimeBundle? { nil }
}
