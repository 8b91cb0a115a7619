import MorphEngine

/// Where one thread's outgoing frames go; each handler thread has its own outlet.
public protocol MessageOutlet: AnyObject {
    /// Sends one multipart message on `channel` (iopub messages are forwarded to the publisher).
    func send(_ frames: [[UInt8]], on channel: Channel)
}

/// The shell thread's view of its sockets: outgoing messages, the shell requests waiting behind
/// the current one, and the stdin channel.
public protocol ShellTransport: MessageOutlet {
    /// The shell messages already waiting, taken without blocking (stop_on_error aborts them).
    func takeWaitingShellMessages() -> [[[UInt8]]]
    /// Waits for the next message on stdin; nil when `cancellation` is set first (interrupt, shutdown).
    func receiveStdin(cancellation: CancellationToken) -> [[UInt8]]?
    /// Whether another shell message is already waiting (checked without blocking).
    func hasWaitingShellMessages() -> Bool
}
