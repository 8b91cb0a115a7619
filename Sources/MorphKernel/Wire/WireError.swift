import MorphJSON

/// Why a multipart message was rejected; each case says what was wrong.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `<IDS|MSG>` delimiter frame.
    case missingDelimiter
    /// Fewer than the five frames after the delimiter (signature, header, parent, metadata, content).
    case tooFewFrames(Int)
    /// Signing is on but the signature frame is empty.
    case missingSignature
    /// The signature does not match the message.
    case badSignature
    /// The same signature was seen before: a replayed message.
    case replayedSignature
    /// A frame is not valid JSON.
    case invalidJSON(frame: String, reason: String)
    /// A field has the wrong type.
    case wrongType(field: String, expected: String)
    /// A required field is absent.
    case missingField(String)
    /// The message is signed and its header is valid, but its parent header, metadata or content
    /// is not a JSON object: the request can be answered with an error reply.
    case unreadableBody(header: Header, identities: [[UInt8]], reason: String)

    public var description: String {
        switch self {
        case .missingDelimiter: "no <IDS|MSG> delimiter frame"
        case .tooFewFrames(let n): "expected at least 5 frames after <IDS|MSG>, got \(n)"
        case .missingSignature: "message is not signed but the connection file has a key"
        case .badSignature: "signature does not match (wrong key or altered message)"
        case .replayedSignature: "signature already seen (replayed message)"
        case .invalidJSON(let frame, let reason): "\(frame) frame is not valid JSON: \(reason)"
        case .wrongType(let field, let expected): "\(field) must be \(expected)"
        case .missingField(let field): "\(field) is missing"
        case .unreadableBody(_, _, let reason): reason
        }
    }
}
