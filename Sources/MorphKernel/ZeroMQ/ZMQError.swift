import CZeroMQ

/// A failed ZeroMQ call: which call and libzmq's message.
public struct ZMQError: Error, Sendable, CustomStringConvertible {
    /// The errno value.
    public let code: Int32
    /// What was being done.
    public let operation: String

    /// The error of the last failed call.
    init(_ operation: String) {
        code = zmq_errno()
        self.operation = operation
    }

    /// Whether the context was shut down (the owner thread should close its socket and end).
    public var isTerminated: Bool { code == ETERM }

    public var description: String { "\(operation) failed: \(String(cString: zmq_strerror(code)))" }
}
