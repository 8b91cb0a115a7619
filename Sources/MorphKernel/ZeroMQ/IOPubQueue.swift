import MorphJSON

/// The iopub messages waiting for a subscriber that does not keep up, bounded: stream output
/// for the same request and stream is coalesced (up to `messageLimit` bytes a message), and past
/// `streamLimit` bytes
/// of waiting stream text the rest is dropped and counted, and the message says so ("output
/// truncated"). Every other message (status, display, execute_result, error, comm, …) is kept.
/// Owned by the iopub thread.
struct IOPubQueue {
    /// One waiting message: encoded frames, or stream text still open to coalescing.
    private enum Entry {
        case frames([[UInt8]])
        case stream(Stream)
    }

    /// Stream text for one parent request and stream name.
    private struct Stream {
        var parentBytes: [UInt8]
        var name: String
        var text: [UInt8]
        var dropped: Int
    }

    /// The most bytes of stream text kept waiting, over all entries.
    let streamLimit: Int
    /// The most bytes of stream text coalesced into one message.
    let messageLimit: Int
    private var entries: [Entry] = []
    private var head = 0
    /// The first entry's frames once encoded (cleared when that entry changes or is removed).
    private var encodedHead: [[UInt8]]?
    private var streamBytes = 0
    /// Bytes of stream text dropped since the queue was created.
    private(set) var droppedBytes = 0

    /// A queue keeping at most `streamLimit` bytes of stream text, at most `messageLimit` in one
    /// coalesced message.
    init(streamLimit: Int, messageLimit: Int = .max) {
        self.streamLimit = max(0, streamLimit)
        self.messageLimit = max(1, messageLimit)
    }

    /// Whether nothing is waiting.
    var isEmpty: Bool { head == entries.count }

    /// The number of waiting messages.
    var count: Int { entries.count - head }

    /// Adds the frames of one iopub message (topic, delimiter, signature, header, parent,
    /// metadata, content, buffers…); a stream message joins the last waiting one when that is
    /// the same stream of the same request.
    mutating func append(_ frames: [[UInt8]]) {
        guard let stream = IOPubQueue.stream(in: frames) else {
            entries.append(.frames(frames))
            return
        }
        let room = max(0, streamLimit - streamBytes)
        let kept = min(room, stream.text.count)
        let dropped = stream.text.count - kept
        streamBytes += kept
        droppedBytes += dropped
        if head < entries.count, case .stream(var last) = entries[entries.count - 1],
            last.parentBytes == stream.parentBytes, last.name == stream.name,
            last.text.count <= messageLimit - kept || kept == 0
        {
            last.text.append(contentsOf: stream.text.prefix(kept))
            last.dropped += dropped
            entries[entries.count - 1] = .stream(last)
            if entries.count - 1 == head { encodedHead = nil }
        } else {
            entries.append(.stream(Stream(
                parentBytes: stream.parentBytes, name: stream.name, text: Array(stream.text.prefix(kept)),
                dropped: dropped)))
        }
    }

    /// The frames of the first waiting message (stream text encoded with `codec`, ending with
    /// the truncation note when some was dropped), or nil when the queue is empty.
    mutating func first(encodingWith codec: WireCodec, session: String) -> [[UInt8]]? {
        guard head < entries.count else { return nil }
        switch entries[head] {
        case .frames(let frames): return frames
        case .stream(let stream):
            if let encodedHead { return encodedHead }
            let frames = IOPubQueue.encode(stream, codec: codec, session: session)
            encodedHead = frames
            return frames
        }
    }

    /// Removes the first waiting message (after it was sent).
    mutating func removeFirst() {
        guard head < entries.count else { return }
        if case .stream(let stream) = entries[head] { streamBytes -= stream.text.count }
        encodedHead = nil
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: entries.count < 1024)
            head = 0
        } else if head >= 1024 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    /// The note that ends a stream message when `dropped` bytes of it were not kept.
    static func truncationNote(dropped: Int) -> String {
        "\n[output truncated: \(dropped) bytes of stream output dropped because a client was not reading iopub]\n"
    }

    // MARK: encoding

    private static func encode(_ stream: Stream, codec: WireCodec, session: String) -> [[UInt8]] {
        var text = String(decoding: stream.text, as: UTF8.self)
        if stream.dropped > 0 { text += truncationNote(dropped: stream.dropped) }
        let parent = (try? JSON.parse(utf8: stream.parentBytes)) ?? [:]
        var message = Message(
            identities: [Array("stream".utf8)], header: Header(messageType: "stream", session: session),
            parentHeader: parent, content: ["name": .string(stream.name), "text": .string(text)])
        message.parentHeaderBytes = stream.parentBytes
        return codec.encode(message)
    }

    /// The parent, name and text of a stream message this kernel published; nil for any other.
    private static func stream(in frames: [[UInt8]]) -> (parentBytes: [UInt8], name: String, text: [UInt8])? {
        guard frames.count == 7, frames[0] == streamTopic, frames[1] == WireCodec.delimiter,
            let content = try? JSON.parse(utf8: frames[6]), let name = content["name"]?.stringValue,
            let text = content["text"]?.stringValue
        else { return nil }
        return (frames[4], name, Array(text.utf8))
    }

    private static let streamTopic = Array("stream".utf8)
}
