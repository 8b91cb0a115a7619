import MorphRender

/// Which text stream a cell writes to.
public enum OutputStream: String, Sendable {
    case stdout, stderr
}

/// Where a running cell sends what it shows; the kernel publishes each call on iopub,
/// `morph run` records it into the notebook.
///
/// Called only from the thread that runs the cell.
public protocol OutputSink: AnyObject {
    /// Appends text to stdout or stderr.
    func write(_ text: String, to stream: OutputStream)
    /// Shows a bundle; with a display id, later `updateDisplay` calls replace it in place.
    func display(_ bundle: MimeBundle, displayID: String?)
    /// Replaces every output shown under `displayID`.
    func updateDisplay(_ bundle: MimeBundle, displayID: String)
    /// Clears the cell's output; with `wait`, only when the next output arrives.
    func clearOutput(wait: Bool)
}

/// Reads a line the user types in answer to a prompt (Jupyter's stdin channel).
public protocol InputReader: AnyObject {
    /// The line typed in answer to `prompt`; throws `InputUnavailable` when the front end
    /// cannot answer (allow_stdin false, as under nbclient, papermill and `morph run`).
    func readLine(prompt: String, password: Bool) throws -> String
}

/// The front end cannot provide input for this execution.
public struct InputUnavailable: Error, Sendable, CustomStringConvertible {
    /// Why, in words the user can act on.
    public var reason: String

    /// An error with its reason.
    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
