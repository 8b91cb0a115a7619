import MorphJSON
import MorphScript
import Testing

@testable import MorphKernel

/// The handlers with the real MorphScript interpreter.
@Suite struct RealSessionTests {
    let kernel = EmbeddedKernel(language: Session())

    func execute(_ code: String, _ extra: [String: JSON] = [:]) -> (reply: Message?, iopub: [Message]) {
        var content: [String: JSON] = ["code": .string(code)]
        for (k, v) in extra { content[k] = v }
        kernel.send("execute_request", .object(content))
        kernel.run()
        return (kernel.received(on: .shell).last, kernel.received(on: .iopub))
    }

    @Test func printWritesToStdout() {
        let (reply, iopub) = execute(#"print("hi")"#)
        #expect(reply?.content["status"] == "ok")
        #expect(iopub.map(\.messageType) == ["status", "execute_input", "stream", "status"])
        #expect(iopub[2].content == ["name": "stdout", "text": "hi\n"])
    }

    @Test func lastExpressionIsTheExecuteResult() throws {
        let (reply, iopub) = execute("1 + 2")
        #expect(reply?.content["status"] == "ok")
        let result = try #require(iopub.first { $0.messageType == "execute_result" })
        #expect(result.content["data"]?["text/plain"] == "3")
        #expect(result.content["execution_count"] == 1)
    }

    @Test func stateSurvivesAFailedCell() throws {
        #expect(execute("var x = 20").reply?.content["status"] == "ok")
        let (failed, iopub) = execute("x = 5\nundefinedName + 1")
        #expect(failed?.content["ename"] == "NameError")
        #expect(iopub.contains { $0.messageType == "error" })
        let (_, after) = execute("x * 2")
        let result = try #require(after.first { $0.messageType == "execute_result" })
        #expect(result.content["data"]?["text/plain"] == "10")
    }

    @Test func userExpressionsSeeTheSession() throws {
        let (reply, _) = execute("let base = 20", ["user_expressions": ["double": "base * 2", "bad": "nope + 1"]])
        let expressions = try #require(reply?.content["user_expressions"])
        #expect(expressions["double"]?["data"]?["text/plain"] == "40")
        #expect(expressions["bad"]?["ename"] == "NameError")
    }

    @Test func introspectionComesFromTheInterpreter() throws {
        _ = execute("let gamma = 1")
        kernel.send("is_complete_request", ["code": "for i in 0..<3 {"])
        kernel.send("complete_request", ["code": "gam", "cursor_pos": 3])
        kernel.send("inspect_request", ["code": "print", "cursor_pos": 5, "detail_level": 0])
        kernel.run()
        let replies = kernel.received(on: .shell)
        #expect(replies[0].content["status"] == "incomplete")
        #expect(replies[1].content["matches"]?.arrayValue?.contains("gamma") == true)
        #expect(replies[2].content["found"] == true)
    }

    @Test func inputIsInterruptedWhileWaiting() {
        kernel.transport.whenWaitingForInput = { [kernel] in kernel.context.cancellation.cancel() }
        let (reply, _) = execute(#"let name = input("name? ")"#, ["allow_stdin": true])
        #expect(reply?.content["ename"] == "Interrupted")
        #expect(kernel.received(on: .stdin).map(\.messageType) == ["input_request"])
    }

    @Test func inputWithoutStdinIsAClearError() {
        let (reply, _) = execute(#"let name = input("name? ")"#, ["allow_stdin": false])
        #expect(reply?.content["ename"] == "StdinNotAllowed")
        #expect(reply?.content["evalue"]?.stringValue?.contains("allow_stdin") == true)
    }
}
