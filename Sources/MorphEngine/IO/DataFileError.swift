/// A file could not be read or written: names the file and says what is wrong.
public struct DataFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or archive member, as `archive.npz[member]`) the error is about.
    public var path: String
    /// What is wrong, and where it helps, what to do.
    public var reason: String

    /// An error about `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}
