import MorphEngine

/// An in-memory transport for tests (in the spirit of NIOEmbedded): incoming frames wait in
/// per-channel queues, outgoing frames are recorded per channel, and everything runs on the
/// caller's thread.
public final class EmbeddedTransport: ShellTransport {
    private var incoming: [Channel: [[[UInt8]]]] = [:]
    private var outgoing: [Channel: [[[UInt8]]]] = [:]

    /// Called when a cell waits for input and no stdin message is queued (a test answers or interrupts here).
    public var whenWaitingForInput: (() -> Void)?

    /// An empty transport.
    public init() {}

    /// Queues frames as if a client had sent them on `channel`.
    public func enqueue(_ frames: [[UInt8]], on channel: Channel) {
        incoming[channel, default: []].append(frames)
    }

    /// Takes the next queued incoming message on `channel`.
    public func dequeue(on channel: Channel) -> [[UInt8]]? {
        guard var queue = incoming[channel], !queue.isEmpty else { return nil }
        let first = queue.removeFirst()
        incoming[channel] = queue
        return first
    }

    /// Removes and returns everything sent on `channel` so far, oldest first.
    public func takeSent(on channel: Channel) -> [[[UInt8]]] {
        defer { outgoing[channel] = [] }
        return outgoing[channel] ?? []
    }

    public func send(_ frames: [[UInt8]], on channel: Channel) {
        outgoing[channel, default: []].append(frames)
    }

    public func takeWaitingShellMessages() -> [[[UInt8]]] {
        defer { incoming[.shell] = [] }
        return incoming[.shell] ?? []
    }

    public func hasWaitingShellMessages() -> Bool {
        !(incoming[.shell]?.isEmpty ?? true)
    }

    public func receiveStdin(cancellation: CancellationToken) -> [[UInt8]]? {
        if incoming[.stdin]?.isEmpty ?? true { whenWaitingForInput?() }
        if cancellation.isCancelled { return nil }
        return dequeue(on: .stdin)
    }
}
