/// Why a cell could not be parsed, and where.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong and what was expected.
    public var message: String
    /// Where the problem is.
    public var position: SourcePosition
    /// The problem is that the cell ended too early (more lines could fix it).
    public var isAtEndOfInput: Bool

    /// An error from its parts.
    public init(message: String, position: SourcePosition, isAtEndOfInput: Bool = false) {
        self.message = message
        self.position = position
        self.isAtEndOfInput = isAtEndOfInput
    }

    public var description: String { "\(position): \(message)" }
}
