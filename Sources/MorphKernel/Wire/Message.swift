import MorphJSON

/// One Jupyter message as the wire protocol carries it: routing identities, header, parent header,
/// metadata, content and binary buffers.
public struct Message: Sendable {
    /// ZeroMQ routing identities (ROUTER prefixes) or the iopub topic.
    public var identities: [[UInt8]]
    /// Who sent it, what kind it is.
    public var header: Header
    /// The header of the request this message answers (an empty object when none).
    public var parentHeader: JSON
    /// The parent header's serialized bytes, when known (saves re-serializing a request's header).
    var parentHeaderBytes: [UInt8]?
    /// Extra information about the message (an object).
    public var metadata: JSON
    /// The message body (an object).
    public var content: JSON
    /// Binary buffers after the content frame.
    public var buffers: [[UInt8]]

    /// A message from its parts.
    public init(
        identities: [[UInt8]] = [], header: Header, parentHeader: JSON = [:], metadata: JSON = [:],
        content: JSON = [:], buffers: [[UInt8]] = []
    ) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    /// A message answering (or published on behalf of) `parent`: its header becomes the parent header.
    public init(
        replyingTo parent: Message, header: Header, identities: [[UInt8]], metadata: JSON = [:], content: JSON
    ) {
        self.identities = identities
        self.header = header
        self.parentHeader = parent.header.json
        self.parentHeaderBytes = parent.header.bytes
        self.metadata = metadata
        self.content = content
        self.buffers = []
    }

    /// The message kind, e.g. `execute_request`.
    public var messageType: String { header.messageType }
}
