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

    /// Creates and binds every socket of `connection`.
    public init(connection: ConnectionInfo, logger: Logger, cancellation: CancellationToken = CancellationToken())
        throws(ZMQError)
    {
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
        try iopub.setOption(ZMQ_SNDHWM, 0)
        try shellToPublisher.setOption(ZMQ_SNDHWM, 0)
        try controlToPublisher.setOption(ZMQ_SNDHWM, 0)
        var bound: [Channel: String] = [:]
        bound[.shell] = try shell.bind(connection.endpoint(for: .shell), for: .shell)
        bound[.control] = try control.bind(connection.endpoint(for: .control), for: .control)
        bound[.stdin] = try stdin.bind(connection.endpoint(for: .stdin), for: .stdin)
        bound[.iopub] = try iopub.bind(connection.endpoint(for: .iopub), for: .iopub)
        bound[.heartbeat] = try heartbeat.bind(connection.endpoint(for: .heartbeat), for: .heartbeat)
        endpoints = bound
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
        var started: [String: PosixThread] = [:]
        started["iopub"] = PosixThread { KernelServer.publish(iopub: iopub, inbox: inbox, context: context) }
        started["heartbeat"] = PosixThread { KernelServer.echo(heartbeat: heartbeat, logger: context.logger) }
        started["control"] = PosixThread {
            let outlet = ControlSockets(control: control, iopub: controlPush, logger: context.logger)
            let handler = ControlHandler(context: context, outlet: outlet)
            KernelServer.serve(control, context: context, stopVia: controlPush) { handler.handle($0) }
            control.close()
            controlPush.close()
        }
        started["shell"] = PosixThread {
            let sockets = ShellSockets(shell: shell, stdin: stdin, iopub: shellPush, logger: context.logger)
            let handler = ShellHandler(context: context, transport: sockets, language: makeLanguage(), historyStore: history)
            KernelServer.serve(shell, context: context, stopVia: shellPush) { handler.handle($0) }
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

    /// Receives on `socket` and hands each message to `handle` until shutdown or context termination.
    private static func serve(
        _ socket: ZMQSocket, context: KernelContext, stopVia push: ZMQSocket, handle: ([[UInt8]]) -> Void
    ) {
        while true {
            do {
                guard let frames = try socket.receive() else { continue }
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

    private static func publish(iopub: ZMQSocket, inbox: ZMQSocket, context: KernelContext) {
        defer {
            iopub.close()
            inbox.close()
        }
        var items = [
            zmq_pollitem_t(socket: iopub.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
            zmq_pollitem_t(socket: inbox.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        while true {
            if zmq_poll(&items, 2, -1) < 0 {
                if zmq_errno() == EINTR { continue }
                return
            }
            do {
                if items[0].revents & Int16(ZMQ_POLLIN) != 0 {
                    while let frames = try iopub.receive(wait: false) {
                        guard let event = frames.first, event.first == 1 else { continue }
                        let topic = Array(event.dropFirst())
                        context.logger.debug("iopub subscriber to '\(String(decoding: topic, as: UTF8.self))'")
                        try iopub.send(context.welcomeFrames(topic: topic))
                    }
                }
                if items[1].revents & Int16(ZMQ_POLLIN) != 0 {
                    forwarding: while true {
                        switch try inbox.forward(to: iopub) {
                        case .message: continue
                        case .nothing: break forwarding
                        case .stopSignal: return
                        }
                    }
                }
            } catch {
                if !error.isTerminated { context.logger.error("iopub: \(error.description)") }
                return
            }
        }
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
