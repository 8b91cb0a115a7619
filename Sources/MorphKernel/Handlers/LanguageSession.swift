import MorphRender
import MorphScript

/// What the kernel needs from the cell language: run cells, evaluate expressions, and answer
/// is_complete, complete and inspect. MorphScript's `Session` is the implementation.
public protocol LanguageSession: AnyObject {
    /// Runs a cell; returns its result bundle (nil when it has none) or throws the error that stopped it.
    func execute(_ code: String, in context: ExecutionContext) throws(ScriptError) -> MimeBundle?
    /// Evaluates one expression (user_expressions) without showing output.
    func evaluate(expression: String, in context: ExecutionContext) throws(ScriptError) -> MimeBundle
    /// Whether `code` is ready to run.
    func completeness(of code: String) -> Completeness
    /// Completions at a code-point offset.
    func completions(in code: String, cursor: Int) -> CompletionResult
    /// Documentation of what is at a code-point offset, or nil.
    func inspection(of code: String, cursor: Int, detailLevel: Int) -> MimeBundle?
    /// The session's comms and widgets (nil: a language without comms).
    var commHub: CommHub? { get }
}

extension LanguageSession {
    /// No comms: every comm_open is closed again.
    public var commHub: CommHub? { nil }
}

extension Session: LanguageSession {
    /// The session's widgets and control comms.
    public var commHub: CommHub? { comms }
}
