import MorphJSON
import Testing

@testable import MorphKernel

/// The publisher's queue for subscribers that do not keep up.
@Suite struct IOPubQueueTests {
    let codec = WireCodec(signer: MessageSigner(key: Array("q".utf8)), replayGuard: nil)
    let parent = Message(header: Header(messageType: "execute_request", session: "client"))
    let other = Message(header: Header(messageType: "execute_request", session: "client"))

    func published(_ type: String, _ content: JSON, parent: Message) -> [[UInt8]] {
        let header = Header(messageType: type, session: "kernel")
        return codec.encode(Message(replyingTo: parent, header: header, identities: [Array(type.utf8)], content: content))
    }

    func stream(_ text: String, _ name: String = "stdout", parent: Message? = nil) -> [[UInt8]] {
        published("stream", ["name": .string(name), "text": .string(text)], parent: parent ?? self.parent)
    }

    func drain(_ queue: inout IOPubQueue) throws -> [Message] {
        var out: [Message] = []
        while let frames = queue.first(encodingWith: codec, session: "kernel") {
            out.append(try codec.decode(frames))
            queue.removeFirst()
        }
        return out
    }

    @Test func streamsOfOneRequestCoalesceAndOthersKeepTheirPlace() throws {
        var queue = IOPubQueue(streamLimit: 1 << 20)
        let busy = published("status", ["execution_state": "busy"], parent: parent)
        queue.append(busy)
        for i in 0..<1000 { queue.append(stream("line \(i)\n")) }
        queue.append(stream("oops\n", "stderr"))
        queue.append(stream("more\n"))
        queue.append(stream("elsewhere\n", parent: other))
        queue.append(published("display_data", ["data": ["text/plain": "x"], "metadata": [:], "transient": [:]], parent: parent))
        queue.append(published("status", ["execution_state": "idle"], parent: parent))
        #expect(queue.count == 7)
        let messages = try drain(&queue)
        #expect(messages.map(\.messageType) == ["status", "stream", "stream", "stream", "stream", "display_data", "status"])
        let text = messages[1].content["text"]?.stringValue ?? ""
        #expect(text == (0..<1000).map { "line \($0)\n" }.joined())
        #expect(messages[1].parentHeader["msg_id"]?.stringValue == parent.header.messageID)
        #expect(messages[2].content == ["name": "stderr", "text": "oops\n"])
        #expect(messages[4].parentHeader["msg_id"]?.stringValue == other.header.messageID)
        #expect(queue.isEmpty && queue.droppedBytes == 0)
    }

    @Test func streamTextPastTheLimitIsDroppedWithANote() throws {
        var queue = IOPubQueue(streamLimit: 100)
        for _ in 0..<30 { queue.append(stream("0123456789")) }  // 300 bytes
        queue.append(published("status", ["execution_state": "idle"], parent: parent))
        #expect(queue.droppedBytes == 200)
        let messages = try drain(&queue)
        #expect(messages.map(\.messageType) == ["stream", "status"])
        let text = messages[0].content["text"]?.stringValue ?? ""
        #expect(text.hasPrefix(String(repeating: "0123456789", count: 10)))
        #expect(text.hasSuffix(IOPubQueue.truncationNote(dropped: 200)))
        // Sent text frees room again.
        queue.append(stream("after"))
        #expect(try drain(&queue).first?.content["text"] == "after")
    }

    @Test func coalescedMessagesStayBelowTheMessageLimit() throws {
        var queue = IOPubQueue(streamLimit: 1 << 20, messageLimit: 25)
        for _ in 0..<10 { queue.append(stream("0123456789")) }
        let texts = try drain(&queue).map { $0.content["text"]?.stringValue ?? "" }
        #expect(texts.map(\.count) == [20, 20, 20, 20, 20])
    }
}
