import CZeroMQ

/// A ZeroMQ context. Contexts are thread-safe, so this wrapper is shared by every socket's thread.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// A new context.
    public init() throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        self.handle = handle
    }

    /// Makes every blocking call on this context's sockets return ETERM (each owner then closes its socket).
    public func shutdown() { _ = zmq_ctx_shutdown(handle) }

    /// Frees the context; blocks until every socket is closed.
    public func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}
