/// An error from an experiment computation: inputs whose sizes or values do not fit,
/// described so the user knows what to change.
public enum ExperimentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An argument is out of its valid range or inconsistent with another.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .invalidArgument(message): return message
        }
    }
}
