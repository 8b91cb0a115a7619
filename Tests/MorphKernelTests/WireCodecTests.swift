import MorphJSON
import Testing

@testable import MorphKernel

@Suite struct WireCodecTests {
    let codec = WireCodec(key: "secret")

    func requestFrames(type: String = "kernel_info_request", content: JSON = [:]) -> [[UInt8]] {
        let header = Header(messageType: type, session: "client-session", username: "tester")
        let message = Message(identities: [Array("client-1".utf8)], header: header, content: content)
        return codec.encode(message)
    }

    @Test func roundTripKeepsEveryPart() throws {
        let header = Header(messageType: "execute_request", session: "s1")
        var message = Message(
            identities: [[1, 2, 3], Array("router".utf8)], header: header,
            parentHeader: ["msg_id": "p", "msg_type": "x", "session": "s0"], metadata: ["k": 1],
            content: ["code": "1 + 2", "silent": false])
        message.buffers = [[0, 255, 7]]
        let frames = codec.encode(message)
        #expect(frames[2] == WireCodec.delimiter)
        #expect(frames[3].count == 64)
        let decoded = try WireCodec(key: "secret").decode(frames)
        #expect(decoded.identities == message.identities)
        #expect(decoded.header == header)
        #expect(decoded.parentHeader == message.parentHeader)
        #expect(decoded.metadata == message.metadata)
        #expect(decoded.content == message.content)
        #expect(decoded.buffers == [[0, 255, 7]])
    }

    @Test func repliesEchoTheRequestHeaderAsParent() throws {
        let request = try codec.decode(requestFrames())
        let reply = Message(
            replyingTo: request, header: Header(messageType: "kernel_info_reply", session: "k"),
            identities: request.identities, content: ["status": "ok"])
        let frames = WireCodec(key: "secret").encode(reply)
        let decoded = try WireCodec(key: "secret").decode(frames)
        #expect(decoded.parentHeader == request.header.json)
        #expect(decoded.identities == [Array("client-1".utf8)])
    }

    @Test func headersCarryVersionDateAndSession() throws {
        let header = Header(messageType: "status", session: "kernel-session")
        #expect(header.json["version"] == "5.5")
        #expect(header.json["session"] == "kernel-session")
        #expect(header.json["username"]?.stringValue?.isEmpty == false)
        #expect(header.json.objectValue?.keys.sorted() == ["date", "msg_id", "msg_type", "session", "username", "version"])
        let date = try #require(header.json["date"]?.stringValue)
        #expect(date.count == 27 && date.hasSuffix("Z") && date.contains("T"))
        #expect(header.messageID.count == 36)
        #expect(Header(messageType: "status", session: "x").messageID != header.messageID)
    }

    @Test func timestampsFormatInUTCWithMicroseconds() {
        #expect(Timestamp.format(seconds: 0, microseconds: 5) == "1970-01-01T00:00:00.000005Z")
        #expect(Timestamp.format(seconds: 1_800_000_000, microseconds: 999_999) == "2027-01-15T08:00:00.999999Z")
    }

    @Test func rejectsMissingDelimiter() {
        var frames = requestFrames()
        frames.remove(at: 1)
        #expect(throws: WireError.missingDelimiter) { try codec.decode(frames) }
    }

    @Test func rejectsTooFewFrames() {
        let frames = Array(requestFrames().prefix(5))
        #expect(throws: WireError.tooFewFrames(3)) { try codec.decode(frames) }
    }

    @Test func rejectsInvalidJSONAndWrongTypes() {
        let plain = WireCodec(key: "")
        func frames(header: String, parent: String = "{}", metadata: String = "{}", content: String = "{}") -> [[UInt8]] {
            [WireCodec.delimiter, [], Array(header.utf8), Array(parent.utf8), Array(metadata.utf8), Array(content.utf8)]
        }
        let good = #"{"msg_id":"a","msg_type":"kernel_info_request","session":"s","username":"u","version":"5.3"}"#
        #expect((try? plain.decode(frames(header: good))) != nil)
        #expect(throws: WireError.self) { try plain.decode(frames(header: "{not json")) }
        #expect(throws: WireError.wrongType(field: "header", expected: "an object")) {
            try plain.decode(frames(header: "[1]"))
        }
        #expect(throws: WireError.missingField("header.msg_type")) {
            try plain.decode(frames(header: #"{"msg_id":"a","session":"s"}"#))
        }
        #expect(throws: WireError.wrongType(field: "header.msg_id", expected: "a string")) {
            try plain.decode(frames(header: #"{"msg_id":7,"msg_type":"x","session":"s"}"#))
        }
        // With a readable header, a bad body is reported with the header, so it can be answered.
        func unreadable(_ frames: [[UInt8]]) -> (type: String, reason: String)? {
            do {
                _ = try plain.decode(frames)
            } catch {
                if case .unreadableBody(let header, _, let reason) = error { return (header.messageType, reason) }
            }
            return nil
        }
        #expect(unreadable(frames(header: good, content: "\"text\""))?.reason == "content must be a JSON object")
        #expect(unreadable(frames(header: good, parent: "null"))?.reason == "parent_header must be a JSON object")
        #expect(unreadable(frames(header: good, content: #"{"code": "#))?.type == "kernel_info_request")
        #expect(unreadable(frames(header: good, metadata: "[]")) != nil)
        #expect(throws: WireError.self) { try plain.decode(frames(header: good, metadata: "\u{FF}")) }
        #expect(throws: WireError.self) { try plain.decode([[0xFF], WireCodec.delimiter, [], [0xC3], [], [], []]) }
    }
}
