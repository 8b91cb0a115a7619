import MorphJSON

/// A Jupyter message header: who sent which kind of message, when, in which session.
public struct Header: Sendable, Equatable {
    /// The unique id of the message.
    public let messageID: String
    /// The message kind, e.g. `execute_request`.
    public let messageType: String
    /// The sender's session id.
    public let session: String
    /// The whole header object, unknown fields included (echoed as the parent of replies).
    public let json: JSON
    /// The header's serialized form (the bytes received, or the bytes to send).
    public let bytes: [UInt8]

    /// Validates a header object received on the wire.
    init(validating json: JSON, bytes: [UInt8]) throws(WireError) {
        guard let fields = json.objectValue else { throw .wrongType(field: "header", expected: "an object") }
        func string(_ key: String, required: Bool) throws(WireError) -> String {
            guard let value = fields[key] else {
                if required { throw .missingField("header.\(key)") }
                return ""
            }
            guard let s = value.stringValue else { throw .wrongType(field: "header.\(key)", expected: "a string") }
            return s
        }
        messageID = try string("msg_id", required: true)
        messageType = try string("msg_type", required: true)
        session = try string("session", required: true)
        _ = try string("username", required: false)
        _ = try string("version", required: false)
        if let date = fields["date"], date.stringValue == nil, !date.isNull {
            throw .wrongType(field: "header.date", expected: "a string")
        }
        self.json = json
        self.bytes = bytes
    }

    /// A header for a message this kernel sends, dated now, protocol version 5.5.
    public init(messageType: String, session: String, username: String = "morph") {
        let id = MessageID.make()
        messageID = id
        self.messageType = messageType
        self.session = session
        let object: JSON = [
            "msg_id": .string(id),
            "msg_type": .string(messageType),
            "session": .string(session),
            "username": .string(username),
            "date": .string(Timestamp.now()),
            "version": "5.5",
        ]
        json = object
        bytes = object.serializedBytes()
    }
}
