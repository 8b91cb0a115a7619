import CZeroMQ
#if canImport(Glibc)
    import Glibc
#endif
import Logging
import MorphEngine
import Synchronization

/// The kernel on real ZeroMQ sockets: every socket is bound when the server is made, then each is
/// owned by one thread. The shell thread runs cells (shell and stdin ROUTERs); the control thread
/// answers kernel_info, interrupt and shutdown while a cell runs; the heartbeat thread echoes; the
/// iopub thread owns the XPUB, forwards what the others hand it over inproc PUSH/PULL, and
/// welcomes each new subscriber (JEP 65).
public final class KernelServer: Sendable {
    /// State shared with the handlers (session id, cancellation token, shutdown state).
    public let context: KernelContext
    /// The endpoint each channel is bound to (with the real port when the connection asked for 0).
    public let endpoints: [Channel: String]
    /// The connection as bound: every port real (tcp ports the system chose, ipc numbers picked
    /// so that the five endpoints differ), ready to be written back for clients.
    public let connection: ConnectionInfo
    /// The largest message, in bytes, accepted on shell, control and stdin (each frame, and all
    /// frames of one message together, each counting `ZMQSocket.frameOverhead` bytes more);
    /// larger ones are dropped unread.
    public let maxMessageSize: Int

    /// The default of `maxMessageSize`: 128 MiB (cells and widget updates, with room for
    /// large binary buffers).
    public static let defaultMaxMessageSize = 128 << 20

    private let zmq: ZMQContext
    private let shell: ZMQSocket
    private let control: ZMQSocket
    private let stdin: ZMQSocket
    private let iopub: ZMQSocket
    private let heartbeat: ZMQSocket
    private let publisherInbox: ZMQSocket
    private let shellToPublisher: ZMQSocket
    private let controlToPublisher: ZMQSocket
    private let inboxEndpoint: String
    private let threads = Mutex<[String: PosixThread]>([:])

    /// Creates and binds every socket of `connection`; inbound messages on shell, control and
    /// stdin are limited to `maxMessageSize` bytes (at least 1).
    public init(
        connection requested: ConnectionInfo, logger: Logger, cancellation: CancellationToken = CancellationToken(),
        maxMessageSize: Int = KernelServer.defaultMaxMessageSize
    ) throws(ZMQError) {
        let connection = requested.withDistinctIPCPorts()
        self.maxMessageSize = max(1, maxMessageSize)
        context = KernelContext(codec: WireCodec(key: connection.key), cancellation: cancellation, logger: logger)
        zmq = try ZMQContext()
        shell = try ZMQSocket(zmq, type: ZMQ_ROUTER, lingerMilliseconds: 1000)
        control = try ZMQSocket(zmq, type: ZMQ_ROUTER, lingerMilliseconds: 1000)
        stdin = try ZMQSocket(zmq, type: ZMQ_ROUTER)
        iopub = try ZMQSocket(zmq, type: ZMQ_XPUB, lingerMilliseconds: 1000)
        heartbeat = try ZMQSocket(zmq, type: ZMQ_REP)
        publisherInbox = try ZMQSocket(zmq, type: ZMQ_PULL)
        shellToPublisher = try ZMQSocket(zmq, type: ZMQ_PUSH, lingerMilliseconds: 1000)
        controlToPublisher = try ZMQSocket(zmq, type: ZMQ_PUSH, lingerMilliseconds: 1000)
        try iopub.setOption(ZMQ_XPUB_VERBOSE, 1)
        // Bounded per subscriber; the publisher keeps what does not fit (IOPubQueue) and retries.
        try iopub.setOption(ZMQ_SNDHWM, KernelServer.iopubHighWaterMark)
        try iopub.setOption(ZMQ_XPUB_NODROP, 1)
        try shellToPublisher.setOption(ZMQ_SNDHWM, 0)
        try controlToPublisher.setOption(ZMQ_SNDHWM, 0)
        // libzmq refuses a larger frame as its size arrives, before allocating it, and drops the peer.
        for socket in [shell, control, stdin] { try socket.setOption64(ZMQ_MAXMSGSIZE, Int64(self.maxMessageSize)) }
        var bound: [Channel: String] = [:]
        bound[.shell] = try shell.bind(connection.endpoint(for: .shell), for: .shell)
        bound[.control] = try control.bind(connection.endpoint(for: .control), for: .control)
        bound[.stdin] = try stdin.bind(connection.endpoint(for: .stdin), for: .stdin)
        bound[.iopub] = try iopub.bind(connection.endpoint(for: .iopub), for: .iopub)
        bound[.heartbeat] = try heartbeat.bind(connection.endpoint(for: .heartbeat), for: .heartbeat)
        endpoints = bound
        var actual = connection
        for (channel, endpoint) in bound where connection.transport == "tcp" {
            if let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]) {
                actual.ports[channel] = port
            }
        }
        self.connection = actual
        inboxEndpoint = "inproc://morph-iopub-\(context.sessionID)"
        try publisherInbox.bind(inboxEndpoint)
        try shellToPublisher.connect(inboxEndpoint)
        try controlToPublisher.connect(inboxEndpoint)
        logger.info("listening: \(connection.transport) shell \(bound[.shell] ?? "?"), iopub \(bound[.iopub] ?? "?")")
    }

    /// The TCP port bound for `channel` (nil for ipc).
    public func port(of channel: Channel) -> Int? {
        guard let endpoint = endpoints[channel], endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":")
        else { return nil }
        return Int(endpoint[endpoint.index(after: colon)...])
    }

    /// Starts the four threads; `makeLanguage` is called on the shell thread, which owns the session.
    /// Cells go to `history` too when given (earlier sessions are read from it).
    public func start(history: HistoryStore? = nil, language makeLanguage: @escaping @Sendable () -> LanguageSession) {
        let context = self.context
        let (shell, stdin, control, iopub, heartbeat, inbox) = (self.shell, self.stdin, self.control, self.iopub, self.heartbeat, publisherInbox)
        let (shellPush, controlPush) = (shellToPublisher, controlToPublisher)
        let limit = maxMessageSize
        var started: [String: PosixThread] = [:]
        started["iopub"] = PosixThread { KernelServer.publish(iopub: iopub, inbox: inbox, context: context) }
        started["heartbeat"] = PosixThread { KernelServer.echo(heartbeat: heartbeat, logger: context.logger) }
        started["control"] = PosixThread {
            let outlet = ControlSockets(control: control, iopub: controlPush, logger: context.logger)
            let handler = ControlHandler(context: context, outlet: outlet)
            KernelServer.serve(control, limit: limit, context: context, stopVia: controlPush) { handler.handle($0) }
            control.close()
            controlPush.close()
        }
        started["shell"] = PosixThread {
            let sockets = ShellSockets(
                shell: shell, stdin: stdin, iopub: shellPush, maxMessageSize: limit, logger: context.logger)
            let handler = ShellHandler(context: context, transport: sockets, language: makeLanguage(), historyStore: history)
            KernelServer.serve(shell, limit: limit, context: context, stopVia: shellPush) { handler.handle($0) }
            shell.close()
            stdin.close()
            shellPush.close()
        }
        threads.withLock { $0 = started }
    }

    /// Blocks until a shutdown request has been answered and the sockets are closed; returns
    /// whether the client asked for a restart.
    @discardableResult
    public func waitUntilStopped() -> Bool {
        let running = threads.withLock { $0 }
        running["iopub"]?.joinWithoutDeadline()
        zmq.shutdown()
        var allJoined = true
        for name in ["control", "heartbeat", "shell"] {
            guard let thread = running[name] else { continue }
            if !thread.join(milliseconds: 2000) {
                context.logger.warning("the \(name) thread did not stop within 2 s; exiting without it")
                allJoined = false
            }
        }
        if allJoined {
            heartbeat.close()
            zmq.terminate()
        }
        // ZeroMQ leaves an ipc endpoint's socket file behind; remove ours as ipykernel does.
        for endpoint in endpoints.values where endpoint.hasPrefix("ipc://") {
            unlink(String(endpoint.dropFirst("ipc://".count)))
        }
        return context.shutdownWantsRestart ?? false
    }

    /// Asks the kernel to stop as a shutdown_request would (without a reply).
    public func requestStop() {
        context.requestShutdown(restart: false)
        guard let push = try? ZMQSocket(zmq, type: ZMQ_PUSH, lingerMilliseconds: 1000) else { return }
        try? push.connect(inboxEndpoint)
        try? push.send([[]])
        push.close()
    }

    // MARK: thread bodies

    /// Receives on `socket` and hands each message of at most `limit` bytes to `handle` until
    /// shutdown or context termination.
    private static func serve(
        _ socket: ZMQSocket, limit: Int, context: KernelContext, stopVia push: ZMQSocket,
        handle: ([[UInt8]]) -> Void
    ) {
        while true {
            do {
                guard let frames = try socket.receive(maxTotalBytes: limit) else { continue }
                if frames.isEmpty {
                    context.logger.warning("dropped a message of more than \(limit) bytes (see --max-message-size)")
                    continue
                }
                handle(frames)
            } catch {
                if !error.isTerminated { context.logger.error("receive: \(error.description)") }
                return
            }
            if context.isShuttingDown {
                try? push.send([[]])  // tells the publisher to flush and stop
                return
            }
        }
    }

    /// How many messages the iopub socket queues per subscriber before the publisher keeps them
    /// in its own bounded queue (where stream output is coalesced, and truncated past a limit).
    static let iopubHighWaterMark: Int32 = 100
    /// The most bytes of stream text the publisher keeps for subscribers that do not keep up.
    static let iopubStreamLimit = 8 << 20
    /// The most stream text coalesced into one message.
    static let iopubStreamMessageLimit = 256 << 10
    /// How long a subscriber may leave its queue full before messages are no longer held back
    /// for it (the others get them; it loses what does not fit in its queue).
    static let iopubStallMilliseconds: UInt64 = 10_000
    /// While a subscriber is stalled, how long messages wait (coalescing) between deliveries.
    static let iopubStalledBatchMilliseconds: UInt64 = 100

    /// Owns the XPUB: forwards what the shell and control threads push, welcomes subscribers.
    ///
    /// A subscriber that does not read fills its queue (`iopubHighWaterMark` messages); the
    /// messages after that wait in an `IOPubQueue` (stream output coalesced, bounded by
    /// `iopubStreamLimit` with an "output truncated" note, nothing else dropped) and are sent as
    /// soon as every subscriber has room. A subscriber whose queue stays full for
    /// `iopubStallMilliseconds` no longer holds the others back: from then on what waits is
    /// delivered every `iopubStalledBatchMilliseconds`, and a subscriber whose queue is full at
    /// that moment (the stalled one; a reading one has emptied its queue meanwhile unless a batch
    /// exceeds it) loses what does not fit, until every subscriber reads again or the stalled one
    /// leaves.
    private static func publish(iopub: ZMQSocket, inbox: ZMQSocket, context: KernelContext) {
        defer {
            iopub.close()
            inbox.close()
        }
        var items = [
            zmq_pollitem_t(socket: iopub.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
            zmq_pollitem_t(socket: inbox.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        var waiting = IOPubQueue(streamLimit: iopubStreamLimit, messageLimit: iopubStreamMessageLimit)
        var stalledSince: UInt64?  // the first refused send since the last accepted one
        var deliveredAt: UInt64 = 0  // the last delivery past a stalled subscriber
        var reportedDrops = 0

        /// Sends at once while nothing is waiting and no subscriber is stalled; otherwise queues
        /// (where stream output coalesces) for the next `flush`.
        func offer(_ frames: [[UInt8]]) throws(ZMQError) {
            if waiting.isEmpty, stalledSince == nil, try iopub.trySend(frames) { return }
            waiting.append(frames)
        }

        /// Sends what is waiting, as far as the subscribers take it; with `force` (at shutdown),
        /// or when a subscriber has been stalled long enough, delivers it all past that subscriber.
        func flush(force: Bool) throws(ZMQError) {
            while let frames = waiting.first(encodingWith: context.codec, session: context.sessionID) {
                if try iopub.trySend(frames) {
                    waiting.removeFirst()
                    if stalledSince != nil { context.logger.info("iopub: every subscriber is reading again") }
                    stalledSince = nil
                    continue
                }
                let now = monotonicMilliseconds()
                let since = stalledSince ?? now
                if stalledSince == nil { stalledSince = now }
                let stalled = now - since >= iopubStallMilliseconds
                guard force || (stalled && now - deliveredAt >= iopubStalledBatchMilliseconds) else { break }
                if deliveredAt < since + iopubStallMilliseconds && !force {
                    context.logger.warning("iopub: a subscriber has not read for \(iopubStallMilliseconds / 1000) s; it will miss messages")
                }
                deliveredAt = now
                // libzmq then drops, for a subscriber whose queue is full, what does not fit.
                try iopub.setOption(ZMQ_XPUB_NODROP, 0)
                defer { try? iopub.setOption(ZMQ_XPUB_NODROP, 1) }
                while let frames = waiting.first(encodingWith: context.codec, session: context.sessionID) {
                    _ = try iopub.trySend(frames)
                    waiting.removeFirst()
                }
            }
            if waiting.droppedBytes > reportedDrops {
                context.logger.warning(
                    "iopub: a subscriber is not reading; \(waiting.droppedBytes) bytes of stream output dropped so far")
                reportedDrops = waiting.droppedBytes
            }
        }

        while true {
            if zmq_poll(&items, 2, waiting.isEmpty ? -1 : 5) < 0 {
                if zmq_errno() == EINTR { continue }
                return
            }
            do {
                if items[0].revents & Int16(ZMQ_POLLIN) != 0 {
                    while let frames = try iopub.receive(wait: false) {
                        guard let event = frames.first, event.first == 1 else { continue }
                        let topic = Array(event.dropFirst())
                        context.logger.debug("iopub subscriber to '\(String(decoding: topic, as: UTF8.self))'")
                        try offer(context.welcomeFrames(topic: topic))
                    }
                }
                if items[1].revents & Int16(ZMQ_POLLIN) != 0 {
                    while let frames = try inbox.receive(wait: false) {
                        if frames.count == 1 && frames[0].isEmpty {  // the stop signal
                            try flush(force: true)
                            return
                        }
                        try offer(frames)
                    }
                }
                if !waiting.isEmpty { try flush(force: false) }
            } catch {
                if !error.isTerminated { context.logger.error("iopub: \(error.description)") }
                return
            }
        }
    }

    private static func monotonicMilliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
    }

    private static func echo(heartbeat: ZMQSocket, logger: Logger) {
        while true {
            do {
                guard let frames = try heartbeat.receive() else { continue }
                try heartbeat.send(frames)
            } catch {
                if !error.isTerminated { logger.error("heartbeat: \(error.description)") }
                heartbeat.close()
                return
            }
        }
    }
}
