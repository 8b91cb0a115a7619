/// Why a figure, table or export could not be made: what was wrong and what to do about it.
public struct RenderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A sentence a user can act on.
    public var message: String

    /// An error with the given message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
