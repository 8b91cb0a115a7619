/// Whether a cell's text is ready to run (Jupyter's is_complete_reply status).
public enum Completeness: Sendable, Equatable {
    /// Runs as is.
    case complete
    /// Needs more lines (open bracket, string, comment, trailing operator); `indent` continues it.
    case incomplete(indent: String)
    /// Can never become valid by adding lines.
    case invalid
}
