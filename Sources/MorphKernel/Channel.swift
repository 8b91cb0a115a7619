/// The five Jupyter channels a kernel serves.
public enum Channel: String, Sendable, CaseIterable {
    /// Requests and replies (execute, complete, inspect, history, …); a ROUTER socket.
    case shell
    /// Requests answered even while a cell runs (kernel_info, interrupt, shutdown); a ROUTER socket.
    case control
    /// Input requests to the front end and its replies; a ROUTER socket.
    case stdin
    /// Broadcasts: status, outputs, errors; an XPUB socket.
    case iopub
    /// Echo of liveness pings; a REP socket.
    case heartbeat
}
