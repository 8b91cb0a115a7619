import Logging
import MorphEngine
import MorphJSON
import Synchronization

/// What the shell and control threads share: the codec (with its replay guard), the kernel's
/// session id, the cancellation token interrupt sets, the logger and the shutdown state.
public final class KernelContext: Sendable {
    /// Decodes, verifies, signs.
    public let codec: WireCodec
    /// This kernel's session id (every header it sends carries it).
    public let sessionID: String
    /// Set on interrupt (interrupt_request or SIGINT); the running cell checks it.
    public let cancellation: CancellationToken
    /// Where diagnostics go (never the key).
    public let logger: Logger
    private let shutdownState = Atomic<Int>(0)  // 0 running, 1 shutdown, 2 shutdown for restart

    /// A context with its codec, a session id (a new UUID by default), a token and a logger.
    public init(
        codec: WireCodec, sessionID: String? = nil, cancellation: CancellationToken = CancellationToken(),
        logger: Logger
    ) {
        self.codec = codec
        self.sessionID = sessionID ?? MessageID.make()
        self.cancellation = cancellation
        self.logger = logger
    }

    /// Whether a shutdown was requested.
    public var isShuttingDown: Bool { shutdownState.load(ordering: .acquiring) != 0 }
    /// Whether the requested shutdown asked for a restart (nil while running).
    public var shutdownWantsRestart: Bool? {
        switch shutdownState.load(ordering: .acquiring) {
        case 0: nil
        case 2: true
        default: false
        }
    }

    /// Marks the kernel as shutting down and stops the running cell.
    func requestShutdown(restart: Bool) {
        shutdownState.store(restart ? 2 : 1, ordering: .releasing)
        cancellation.cancel()
    }

    /// Decodes frames received on `channel`; logs and returns nil for anything rejected. An
    /// authentic request whose body cannot be read is answered through `outlet` (when given) with
    /// an error reply, so that its sender does not wait forever.
    func decode(_ frames: [[UInt8]], on channel: Channel, answeringVia outlet: MessageOutlet? = nil) -> Message? {
        do {
            return try codec.decode(frames)
        } catch {
            if case .unreadableBody(let header, let identities, let reason) = error, let outlet {
                logger.warning("bad request on \(channel.rawValue): \(header.messageType): \(reason)")
                let request = Message(identities: identities, header: header)
                publishStatus("busy", parent: request, via: outlet)
                replyBadRequest(request, problem: "\(header.messageType) \(reason)", on: channel, via: outlet)
                publishStatus("idle", parent: request, via: outlet)
            } else {
                logger.warning("dropped a message on \(channel.rawValue): \(error.description)")
            }
            return nil
        }
    }

    /// A message of `type` answering `parent`, addressed to `identities`.
    func message(_ type: String, replyingTo parent: Message, identities: [[UInt8]], content: JSON) -> Message {
        Message(replyingTo: parent, header: Header(messageType: type, session: sessionID), identities: identities,
                content: content)
    }

    /// Sends a reply to `request` on the channel it came from.
    func reply(_ type: String, to request: Message, content: JSON, on channel: Channel, via outlet: MessageOutlet) {
        outlet.send(codec.encode(message(type, replyingTo: request, identities: request.identities, content: content)),
                    on: channel)
    }

    /// Publishes a message on iopub with `parent` as its parent header.
    func publish(_ type: String, content: JSON, parent: Message, via outlet: MessageOutlet) {
        outlet.send(codec.encode(message(type, replyingTo: parent, identities: [Array(type.utf8)], content: content)),
                    on: .iopub)
    }

    /// Publishes status busy or idle for `parent`.
    func publishStatus(_ state: String, parent: Message, via outlet: MessageOutlet) {
        publish("status", content: ["execution_state": .string(state)], parent: parent, via: outlet)
    }

    /// The iopub_welcome message (JEP 65) for a new subscriber to `topic`.
    public func welcomeFrames(topic: [UInt8]) -> [[UInt8]] {
        let subscription = String(decoding: topic, as: UTF8.self)
        let message = Message(
            identities: [topic], header: Header(messageType: "iopub_welcome", session: sessionID),
            content: ["subscription": .string(subscription)])
        return codec.encode(message)
    }

    /// Content of an error reply naming `ename`.
    static func errorContent(ename: String, evalue: String, traceback: [String] = []) -> JSON {
        ["status": "error", "ename": .string(ename), "evalue": .string(evalue), "traceback": .array(traceback.map { .string($0) })]
    }

    /// Answers a request this kernel does not know: an error `*_reply` for `*_request`, else nothing.
    func answerUnknown(_ request: Message, on channel: Channel, via outlet: MessageOutlet) {
        let type = request.messageType
        logger.warning("unknown message type '\(type)' on \(channel.rawValue)")
        guard type.hasSuffix("_request") else { return }
        let replyType = String(type.dropLast("_request".count)) + "_reply"
        let content = KernelContext.errorContent(
            ename: "UnknownMessageType",
            evalue: "Morph does not handle '\(type)' on the \(channel.rawValue) channel")
        reply(replyType, to: request, content: content, on: channel, via: outlet)
    }
}
