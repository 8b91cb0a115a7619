import Logging
import MorphJSON

/// A whole kernel (shell and control handlers) over an `EmbeddedTransport`, with a client side that
/// builds signed requests and decodes what the kernel sent, for tests without sockets.
public final class EmbeddedKernel {
    /// The in-memory sockets.
    public let transport = EmbeddedTransport()
    /// State shared by the handlers.
    public let context: KernelContext
    /// The shell handler.
    public let shell: ShellHandler
    /// The control handler.
    public let control: ControlHandler
    /// The client's codec (same key, no replay guard: it decodes the kernel's own messages).
    public let clientCodec: WireCodec
    /// The client's session id.
    public let clientSession = "embedded-client"

    /// A kernel over `language`, signing with `key` (empty: no signing).
    public init(language: LanguageSession, key: String = "embedded-key", logger: Logger? = nil) {
        let signer = MessageSigner(key: Array(key.utf8))
        context = KernelContext(
            codec: WireCodec(signer: signer),
            logger: logger ?? Logger(label: "morph.embedded", factory: { _ in SwiftLogNoOpLogHandler() }))
        shell = ShellHandler(context: context, transport: transport, language: language)
        control = ControlHandler(context: context, outlet: transport)
        clientCodec = WireCodec(signer: signer, replayGuard: nil)
    }

    /// A client request of `type` with `content`, from a client with routing identity `identity`.
    public func request(_ type: String, _ content: JSON = [:], identity: String = "client") -> Message {
        Message(identities: [Array(identity.utf8)], header: Header(messageType: type, session: clientSession),
                content: content)
    }

    /// Queues `message` (signed) on `channel` and returns it.
    @discardableResult
    public func send(_ message: Message, on channel: Channel = .shell) -> Message {
        transport.enqueue(clientCodec.encode(message), on: channel)
        return message
    }

    /// Queues a request of `type` on `channel` and returns it.
    @discardableResult
    public func send(_ type: String, _ content: JSON = [:], on channel: Channel = .shell) -> Message {
        send(request(type, content), on: channel)
    }

    /// Handles every queued control and shell message, control first, until the queues are empty.
    public func run() {
        while true {
            if let frames = transport.dequeue(on: .control) {
                control.handle(frames)
            } else if let frames = transport.dequeue(on: .shell) {
                shell.handle(frames)
            } else {
                return
            }
        }
    }

    /// Removes and decodes everything the kernel sent on `channel`, oldest first.
    public func received(on channel: Channel) -> [Message] {
        transport.takeSent(on: channel).compactMap { try? clientCodec.decode($0) }
    }
}
