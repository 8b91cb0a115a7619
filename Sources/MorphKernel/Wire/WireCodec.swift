import MorphJSON

/// Turns ZeroMQ multipart frames into messages and back: identities, `<IDS|MSG>`, signature,
/// header, parent header, metadata, content, buffers.
public struct WireCodec: Sendable {
    /// The delimiter frame between routing identities and the message.
    public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)

    /// Signs outgoing and verifies incoming messages.
    public let signer: MessageSigner
    /// Drops replayed messages (nil: no replay check).
    public let replayGuard: ReplayGuard?

    /// A codec with a signer and, when signing is on, a replay guard.
    public init(signer: MessageSigner, replayGuard: ReplayGuard? = ReplayGuard()) {
        self.signer = signer
        self.replayGuard = signer.isEnabled ? replayGuard : nil
    }

    /// A codec for the connection file's key.
    public init(key: String) { self.init(signer: MessageSigner(key: Array(key.utf8))) }

    /// Decodes, verifies and validates one multipart message.
    public func decode(_ frames: [[UInt8]]) throws(WireError) -> Message {
        guard let split = frames.firstIndex(of: WireCodec.delimiter) else { throw .missingDelimiter }
        let rest = frames.count - split - 1
        guard rest >= 5 else { throw .tooFewFrames(rest) }
        let signature = frames[split + 1]
        let parts = frames[(split + 2)..<(split + 6)]
        if signer.isEnabled {
            guard !signature.isEmpty else { throw .missingSignature }
            guard signer.isValid(signature: signature, of: parts) else { throw .badSignature }
            if let replayGuard, !replayGuard.admit(signature) { throw .replayedSignature }
        }
        let headerBytes = frames[split + 2]
        let header = try Header(validating: parseObject(headerBytes, frame: "header"), bytes: headerBytes)
        // From here on the request is authentic and names its type and id: a bad body gets an answer.
        func body(_ index: Int, _ frame: String) throws(WireError) -> JSON {
            let value: JSON
            do {
                value = try parseObject(frames[index], frame: frame)
            } catch {
                throw .unreadableBody(header: header, identities: Array(frames[..<split]), reason: error.description)
            }
            guard value.objectValue != nil else {
                throw .unreadableBody(
                    header: header, identities: Array(frames[..<split]), reason: "\(frame) must be a JSON object")
            }
            return value
        }
        let parent = try body(split + 3, "parent_header")
        let metadata = try body(split + 4, "metadata")
        let content = try body(split + 5, "content")
        var message = Message(
            identities: Array(frames[..<split]), header: header, parentHeader: parent, metadata: metadata,
            content: content, buffers: Array(frames[(split + 6)...]))
        message.parentHeaderBytes = frames[split + 3]
        return message
    }

    /// The frames of `message`, signed.
    public func encode(_ message: Message) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        frames.reserveCapacity(message.identities.count + 6 + message.buffers.count)
        frames.append(contentsOf: message.identities)
        frames.append(WireCodec.delimiter)
        let parts: [[UInt8]] = [
            message.header.bytes,
            message.parentHeaderBytes ?? message.parentHeader.serializedBytes(),
            message.metadata.serializedBytes(),
            message.content.serializedBytes(),
        ]
        frames.append(signer.signature(of: parts))
        frames.append(contentsOf: parts)
        frames.append(contentsOf: message.buffers)
        return frames
    }

    private func parseObject(_ bytes: [UInt8], frame: String) throws(WireError) -> JSON {
        do {
            return try JSON.parse(utf8: bytes)
        } catch {
            throw .invalidJSON(frame: frame, reason: error.description)
        }
    }
}
