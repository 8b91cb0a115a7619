import MorphJSON
import Testing

@testable import MorphKernel

/// Every handler against the in-memory transport.
@Suite struct HandlerTests {
    let language = ScriptedLanguage()
    let kernel: EmbeddedKernel

    init() { kernel = EmbeddedKernel(language: language) }

    /// Runs `code` and returns the shell reply and the iopub messages.
    func execute(_ code: String, _ extra: [String: JSON] = [:]) -> (reply: Message?, iopub: [Message]) {
        var content: [String: JSON] = ["code": .string(code)]
        for (k, v) in extra { content[k] = v }
        kernel.send("execute_request", .object(content))
        kernel.run()
        return (kernel.received(on: .shell).last, kernel.received(on: .iopub))
    }

    func types(_ messages: [Message]) -> [String] { messages.map(\.messageType) }

    @Test func kernelInfoOnShellAndControl() throws {
        for channel in [Channel.shell, .control] {
            let request = kernel.send("kernel_info_request", on: channel)
            kernel.run()
            let reply = try #require(kernel.received(on: channel).first)
            #expect(reply.messageType == "kernel_info_reply")
            #expect(reply.parentHeader["msg_id"]?.stringValue == request.header.messageID)
            #expect(reply.identities == request.identities)
            #expect(reply.content["protocol_version"] == "5.5")
            #expect(reply.content["implementation"] == "morph")
            #expect(reply.content["supported_features"] == [])
            let info = try #require(reply.content["language_info"])
            #expect(info["name"] == "morph")
            #expect(info["mimetype"] == "text/x-morph")
            #expect(info["file_extension"] == ".morph")
            #expect(info["codemirror_mode"] == "swift")
            #expect(info["pygments_lexer"] == "swift")
            #expect(reply.header.json["version"] == "5.5")
            #expect(reply.header.session == kernel.context.sessionID)
            let status = kernel.received(on: .iopub)
            #expect(types(status) == ["status", "status"])
            #expect(status.map { $0.content["execution_state"]?.stringValue } == ["busy", "idle"])
            #expect(status.allSatisfy { $0.parentHeader["msg_id"]?.stringValue == request.header.messageID })
        }
    }

    @Test func executeOrdersBusyInputOutputsReplyIdle() throws {
        let (reply, iopub) = execute("out hello, world\nerr oops\nshow picture\nupdate picture 2\nclear\nvalue 3")
        #expect(types(iopub) == [
            "status", "execute_input", "stream", "stream", "display_data", "update_display_data", "clear_output",
            "execute_result", "status",
        ])
        #expect(iopub.first?.content["execution_state"] == "busy")
        #expect(iopub.last?.content["execution_state"] == "idle")
        #expect(iopub[1].content["execution_count"] == 1)
        #expect(iopub[2].content == ["name": "stdout", "text": "hello, world\n"])
        #expect(iopub[3].content["name"] == "stderr")
        #expect(iopub[4].content["transient"] == ["display_id": "d"])
        #expect(iopub[4].content["data"] == ["text/plain": "picture"])
        #expect(iopub[5].content["transient"] == ["display_id": "d"])
        #expect(iopub[6].content["wait"] == false)
        #expect(iopub[7].content["execution_count"] == 1)
        #expect(iopub[7].content["data"] == ["text/plain": "3"])
        let r = try #require(reply)
        #expect(r.messageType == "execute_reply")
        #expect(r.content["status"] == "ok")
        #expect(r.content["execution_count"] == 1)
        #expect(r.content["payload"] == [])
        #expect(r.content["user_expressions"] == [:])
        // The reply is on the shell channel, in order before idle: one shell message.
        #expect(kernel.received(on: .shell).isEmpty)
    }

    @Test func executionCountFollowsStoreHistoryAndSilent() {
        _ = execute("out a")
        let (quiet, quietIOPub) = execute("out b", ["store_history": false])
        #expect(quiet?.content["execution_count"] == 1)
        #expect(quietIOPub[1].content["execution_count"] == 1)
        let (silent, silentIOPub) = execute("out c\nvalue 5", ["silent": true])
        #expect(silent?.content["status"] == "ok")
        #expect(silent?.content["execution_count"] == 1)
        #expect(types(silentIOPub) == ["status", "status"])
        let (next, _) = execute("value 1")
        #expect(next?.content["execution_count"] == 2)
        #expect(kernel.shell.executionCount == 2)
    }

    @Test func errorRepliesAndPublishesError() throws {
        let (reply, iopub) = execute("fail")
        #expect(types(iopub) == ["status", "execute_input", "error", "status"])
        #expect(iopub[2].content["ename"] == "ValueError")
        #expect(iopub[2].content["evalue"] == "failed on purpose")
        let traceback = try #require(iopub[2].content["traceback"]?.arrayValue)
        #expect(traceback.last == "ValueError: failed on purpose")
        let r = try #require(reply)
        #expect(r.content["status"] == "error")
        #expect(r.content["ename"] == "ValueError")
        #expect(r.content["traceback"] == iopub[2].content["traceback"])
        #expect(r.content["execution_count"] == 1)
    }

    @Test func stopOnErrorAbortsWaitingExecutesOnly() {
        let failing = kernel.send("execute_request", ["code": "fail"])
        let queued = kernel.send("execute_request", ["code": "out never"])
        let info = kernel.send("complete_request", ["code": "ou", "cursor_pos": 2])
        let queued2 = kernel.send("execute_request", ["code": "out never either"])
        kernel.run()
        let replies = kernel.received(on: .shell)
        #expect(replies.map { $0.parentHeader["msg_id"]?.stringValue } == [
            failing.header.messageID, queued.header.messageID, info.header.messageID, queued2.header.messageID,
        ])
        #expect(replies.map { $0.content["status"]?.stringValue } == ["error", "aborted", "ok", "aborted"])
        #expect(language.executed == ["fail"])
        let iopub = kernel.received(on: .iopub)
        let queuedStatus = iopub.filter { $0.parentHeader["msg_id"]?.stringValue == queued.header.messageID }
        #expect(queuedStatus.map { $0.content["execution_state"]?.stringValue } == ["busy", "idle"])
        // The next execute after the abort runs normally.
        let (after, _) = execute("value 9")
        #expect(after?.content["status"] == "ok")
    }

    @Test func stopOnErrorFalseKeepsTheQueue() {
        kernel.send("execute_request", ["code": "fail", "stop_on_error": false])
        kernel.send("execute_request", ["code": "out runs"])
        kernel.run()
        #expect(kernel.received(on: .shell).map { $0.content["status"]?.stringValue } == ["error", "ok"])
        #expect(language.executed == ["fail", "out runs"])
    }

    @Test func userExpressionsAreEvaluatedAfterTheCell() throws {
        let (reply, _) = execute("value 1", ["user_expressions": ["a": "answer", "b": "missing"]])
        let expressions = try #require(reply?.content["user_expressions"])
        #expect(expressions["a"] == ["status": "ok", "data": ["text/plain": "42"], "metadata": [:]])
        #expect(expressions["b"]?["status"] == "error")
        #expect(expressions["b"]?["ename"] == "NameError")
    }

    @Test func isCompleteStatuses() {
        for (code, status) in [("out a", "complete"), ("block {", "incomplete"), ("}}", "invalid")] {
            kernel.send("is_complete_request", ["code": .string(code)])
            kernel.run()
            let reply = kernel.received(on: .shell).first
            #expect(reply?.messageType == "is_complete_reply")
            #expect(reply?.content["status"]?.stringValue == status)
            if status == "incomplete" { #expect(reply?.content["indent"] == "    ") }
        }
    }

    @Test func completeCarriesTypedMatches() throws {
        kernel.send("complete_request", ["code": "ou", "cursor_pos": 2])
        kernel.run()
        let reply = try #require(kernel.received(on: .shell).first)
        #expect(reply.content["status"] == "ok")
        #expect(reply.content["matches"] == ["out", "outline"])
        #expect(reply.content["cursor_start"] == 0)
        #expect(reply.content["cursor_end"] == 2)
        let types = try #require(reply.content["metadata"]?["_jupyter_types_experimental"]?.arrayValue)
        #expect(types.first == ["start": 0, "end": 2, "text": "out", "type": "function", "signature": "out(text)"])
    }

    @Test func inspectFoundAndNotFound() throws {
        kernel.send("inspect_request", ["code": "out", "cursor_pos": 1, "detail_level": 0])
        kernel.send("inspect_request", ["code": "zzz", "cursor_pos": 1])
        kernel.run()
        let replies = kernel.received(on: .shell)
        #expect(replies[0].content["found"] == true)
        #expect(replies[0].content["data"]?["text/markdown"] == "**out**")
        #expect(replies[1].content == ["status": "ok", "found": false, "data": [:], "metadata": [:]])
    }

    @Test func historyTailRangeAndSearch() throws {
        for code in ["value 1+2", "value 3", "value 1+2", "out x"] { _ = execute(code) }
        _ = execute("value unstored", ["store_history": false])
        func history(_ content: JSON) -> [JSON] {
            kernel.send("history_request", content)
            kernel.run()
            return kernel.received(on: .shell).first?.content["history"]?.arrayValue ?? []
        }
        let tail = history(["output": false, "raw": true, "hist_access_type": "tail", "n": 2])
        #expect(tail == [[1, 3, "value 1+2"], [1, 4, "out x"]])
        let withOutput = history(["output": true, "raw": true, "hist_access_type": "tail", "n": 1])
        #expect(withOutput == [[1, 4, ["out x", nil]]])
        let outputOfValue = history(["output": true, "raw": true, "hist_access_type": "range", "session": 1, "start": 2, "stop": 3])
        #expect(outputOfValue == [[1, 2, ["value 3", "3"]]])
        let range = history(["output": false, "raw": true, "hist_access_type": "range", "session": 0, "start": 2, "stop": 4])
        #expect(range.map { $0.arrayValue?[1] } == [2, 3])
        let otherSession = history(["output": false, "raw": true, "hist_access_type": "range", "session": 7, "start": 1])
        #expect(otherSession.isEmpty)
        let search = history(["output": false, "raw": true, "hist_access_type": "search", "pattern": "value 1?2*"])
        #expect(search.count == 2)
        let unique = history(["output": false, "raw": true, "hist_access_type": "search", "pattern": "value 1?2*", "unique": true])
        #expect(unique == [[1, 3, "value 1+2"]])
        let lastOne = history(["output": false, "raw": true, "hist_access_type": "search", "pattern": "*", "n": 1])
        #expect(lastOne == [[1, 4, "out x"]])
    }

    @Test func globMatching() {
        #expect(Glob.matches("1?2*", "1+2"))
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("a*b*c", "axxbyyc"))
        #expect(!Glob.matches("a*b", "axxbc"))
        #expect(Glob.matches("[a-c]x", "bx"))
        #expect(!Glob.matches("[!a-c]x", "bx"))
        #expect(!Glob.matches("1?2", "1+2+"))
    }

    @Test func aLanguageWithoutCommsClosesEveryCommAndSaysWhy() throws {
        kernel.send("comm_info_request", [:])
        kernel.run()
        #expect(kernel.received(on: .shell).first?.content == ["status": "ok", "comms": [:]])
        _ = kernel.received(on: .iopub)
        let open = kernel.send("comm_open", ["comm_id": "c1", "target_name": "jupyter.widget", "data": [:]])
        kernel.run()
        #expect(kernel.received(on: .shell).isEmpty)
        let iopub = kernel.received(on: .iopub)
        #expect(types(iopub) == ["status", "comm_close", "error", "status"])
        #expect(iopub[1].content["comm_id"] == "c1")
        #expect(iopub[2].content["ename"] == "UnknownCommTarget")
        #expect(iopub[1].parentHeader["msg_id"]?.stringValue == open.header.messageID)
    }

    @Test func unknownRequestGetsAnErrorReply() throws {
        kernel.send("frobnicate_request", [:])
        kernel.send("debug_request", [:], on: .control)
        kernel.send("mystery_event", [:])
        kernel.run()
        let control = try #require(kernel.received(on: .control).first)
        #expect(control.messageType == "debug_reply")
        #expect(control.content["status"] == "error")
        let shell = kernel.received(on: .shell)
        #expect(shell.count == 1)
        #expect(shell.first?.messageType == "frobnicate_reply")
        #expect(shell.first?.content["ename"] == "UnknownMessageType")
    }

    @Test func shutdownEchoesRestartAndStopsTheKernel() throws {
        #expect(kernel.context.shutdownWantsRestart == nil)
        kernel.send("shutdown_request", ["restart": true], on: .control)
        kernel.run()
        let reply = try #require(kernel.received(on: .control).first)
        #expect(reply.messageType == "shutdown_reply")
        #expect(reply.content == ["status": "ok", "restart": true])
        #expect(types(kernel.received(on: .iopub)) == ["status", "shutdown_reply", "status"])
        #expect(kernel.context.isShuttingDown)
        #expect(kernel.context.shutdownWantsRestart == true)
    }

    @Test func interruptCancelsAndTheNextCellRuns() throws {
        kernel.send("interrupt_request", [:], on: .control)
        kernel.run()
        #expect(kernel.received(on: .control).first?.content == ["status": "ok"])
        #expect(kernel.context.cancellation.isCancelled)
        let (reply, _) = execute("value after")
        #expect(reply?.content["status"] == "ok")
        let (interrupted, iopub) = execute("interrupt")
        #expect(interrupted?.content["ename"] == "Interrupted")
        #expect(types(iopub).contains("error"))
    }

    @Test func inputRoundTripOnStdin() throws {
        kernel.transport.whenWaitingForInput = { [kernel] in
            guard let request = kernel.received(on: .stdin).first else { return }
            #expect(request.messageType == "input_request")
            #expect(request.content == ["prompt": "name?", "password": false])
            #expect(request.identities == [Array("client".utf8)])
            var reply = kernel.request("input_reply", ["value": "Ada"])
            reply.parentHeader = request.header.json
            kernel.send(reply, on: .stdin)
        }
        let (reply, iopub) = execute("ask name?", ["allow_stdin": true])
        #expect(reply?.content["status"] == "ok")
        #expect(iopub.contains { $0.content["text"] == "got Ada\n" })
    }

    @Test func inputUnavailableWithoutStdin() {
        let (reply, _) = execute("ask name?", ["allow_stdin": false])
        #expect(reply?.content["ename"] == "InputUnavailable")
        #expect(reply?.content["evalue"]?.stringValue?.contains("allow_stdin") == true)
        #expect(kernel.received(on: .stdin).isEmpty)
    }

    @Test func interruptEndsTheWaitForInput() {
        kernel.transport.whenWaitingForInput = { [kernel] in kernel.context.cancellation.cancel() }
        let (reply, _) = execute("ask name?")
        #expect(reply?.content["ename"] == "Interrupted")
    }

    @Test func badSignaturesMissingSignaturesAndReplaysAreDropped() {
        var frames = kernel.clientCodec.encode(kernel.request("execute_request", ["code": "out x"]))
        let signatureIndex = frames.firstIndex(of: WireCodec.delimiter)! + 1
        let good = frames
        frames[signatureIndex] = Array(repeating: UInt8(ascii: "0"), count: 64)
        kernel.transport.enqueue(frames, on: .shell)
        frames[signatureIndex] = []
        kernel.transport.enqueue(frames, on: .shell)
        kernel.transport.enqueue(good, on: .shell)
        kernel.transport.enqueue(good, on: .shell)
        kernel.transport.enqueue([[1, 2, 3]], on: .shell)
        kernel.run()
        #expect(language.executed == ["out x"])
        #expect(kernel.received(on: .shell).count == 1)
    }

    @Test func wrongFieldTypesGetAnErrorReply() {
        kernel.send("execute_request", ["code": 5])
        kernel.send("execute_request", ["code": "out x", "silent": "no"])
        kernel.send("complete_request", ["code": "ou", "cursor_pos": "three"])
        kernel.send("inspect_request", [:])
        kernel.send("history_request", ["output": false, "raw": true, "hist_access_type": "everything"])
        kernel.send("shutdown_request", ["restart": "yes"], on: .control)
        kernel.run()
        let replies = kernel.received(on: .shell) + kernel.received(on: .control)
        #expect(replies.map(\.messageType) == [
            "execute_reply", "execute_reply", "complete_reply", "inspect_reply", "history_reply", "shutdown_reply",
        ])
        #expect(replies.allSatisfy { $0.content["status"] == "error" && $0.content["ename"] == "BadRequest" })
        #expect(replies[2].content["evalue"]?.stringValue?.contains("cursor_pos") == true)
        #expect(language.executed.isEmpty)
        #expect(!kernel.context.isShuttingDown)
        #expect(types(kernel.received(on: .iopub)).count == 12)  // busy and idle for each
        kernel.send("is_complete_request", ["code": ["1"]])
        kernel.run()
        #expect(kernel.received(on: .shell).first?.content == ["status": "unknown"])
    }

    @Test func signedRequestsWithAnUnreadableBodyGetAnErrorReply() throws {
        let signer = MessageSigner(key: Array("embedded-key".utf8))
        /// A signed request whose frame `index` (0 header … 3 content) is replaced by `bytes`.
        func frames(_ type: String, frame index: Int, _ bytes: String) -> (Message, [[UInt8]]) {
            let request = kernel.request(type)
            var frames = kernel.clientCodec.encode(request)
            let first = frames.firstIndex(of: WireCodec.delimiter)! + 2
            frames[first + index] = Array(bytes.utf8)
            frames[first - 1] = signer.signature(of: frames[first..<(first + 4)])
            return (request, frames)
        }
        let cases: [(String, Int, String, Channel)] = [
            ("execute_request", 3, #"{"code": "#, .shell),
            ("execute_request", 3, "[1, 2]", .shell),
            ("complete_request", 1, "42", .shell),
            ("kernel_info_request", 2, #""meta""#, .control),
            ("shutdown_request", 3, "\u{FF}", .control),
        ]
        for (type, index, bytes, channel) in cases {
            let (request, raw) = frames(type, frame: index, bytes)
            kernel.transport.enqueue(raw, on: channel)
            kernel.run()
            let reply = try #require(kernel.received(on: channel).first, "no reply to \(type) with \(bytes)")
            #expect(reply.messageType == RequestValidation.replyType(for: type))
            #expect(reply.parentHeader["msg_id"]?.stringValue == request.header.messageID)
            #expect(reply.content["status"] == "error" && reply.content["ename"] == "BadRequest")
            let status = kernel.received(on: .iopub).map { $0.content["execution_state"]?.stringValue }
            #expect(status == ["busy", "idle"])
        }
        #expect(kernel.received(on: .shell).first?.content["execution_count"] == nil)
        #expect(language.executed.isEmpty)
        #expect(!kernel.context.isShuttingDown)
        // An unsigned one, or one whose header cannot be read, is still dropped without a word.
        var (_, forged) = frames("execute_request", frame: 3, "[]")
        forged[forged.firstIndex(of: WireCodec.delimiter)! + 1] = Array(repeating: UInt8(ascii: "0"), count: 64)
        kernel.transport.enqueue(forged, on: .shell)
        kernel.transport.enqueue(frames("execute_request", frame: 0, "{").1, on: .shell)
        kernel.run()
        #expect(kernel.received(on: .shell).isEmpty)
        #expect(kernel.received(on: .iopub).isEmpty)
    }
}
