#if canImport(Glibc)
import Glibc
#endif
import MorphJSON
import MorphRender
import MorphScript

/// Serves the shell channel: runs cells in the language session and answers is_complete, complete,
/// inspect, history, comm_info and comm_open. Owned by the shell thread.
public final class ShellHandler {
    private let context: KernelContext
    private let transport: ShellTransport
    private let language: LanguageSession
    private let workingDirectory: String
    /// The count of cells run with store_history (In[n]).
    public private(set) var executionCount = 0
    private var history = History()
    private let comms: CommRouter

    /// A handler running cells in `language`, talking through `transport`; with `historyStore`,
    /// cells are kept there too and history requests read earlier sessions from it.
    public init(
        context: KernelContext, transport: ShellTransport, language: LanguageSession, historyStore: HistoryStore? = nil
    ) {
        self.context = context
        self.transport = transport
        self.language = language
        comms = CommRouter(context: context, transport: transport, hub: language.commHub)
        let logger = context.logger
        history = History(store: historyStore, report: { logger.warning("\($0)") })
        self.workingDirectory = ShellHandler.currentDirectory()
    }

    /// Handles one multipart message received on the shell socket.
    public func handle(_ frames: [[UInt8]]) {
        guard let request = context.decode(frames, on: .shell, answeringVia: transport) else { return }
        handle(request)
    }

    /// Whether `type` is a comm message (handled by the comm router; its widget callbacks may wait).
    private static func isComm(_ type: String) -> Bool { type == "comm_open" || type == "comm_msg" || type == "comm_close" }

    private func handle(_ request: Message) {
        context.logger.debug("shell: \(request.messageType)")
        context.publishStatus("busy", parent: request, via: transport)
        var aborted: [[[UInt8]]] = []
        if context.rejectMalformed(request, on: .shell, via: transport) {
            context.publishStatus("idle", parent: request, via: transport)
            return
        }
        // Widget callbacks still waiting after a burst of updates run before anything else.
        if !ShellHandler.isComm(request.messageType) { comms.runPendingCallbacks(after: request, force: true) }
        switch request.messageType {
        case "execute_request": aborted = comms.publishing(under: request) { execute(request) }
        case "kernel_info_request": reply(request, "kernel_info_reply", KernelInfo.content)
        case "is_complete_request": isComplete(request)
        case "complete_request": complete(request)
        case "inspect_request": inspect(request)
        case "history_request": reply(request, "history_reply", history.reply(to: request.content))
        case "comm_info_request": reply(request, "comm_info_reply", comms.info(request))
        case "comm_open", "comm_msg", "comm_close":
            comms.receive(request)
            comms.runPendingCallbacks(after: request)
        case "shutdown_request":
            ControlHandler.shutdown(request, on: .shell, context: context, outlet: transport)
        default: context.answerUnknown(request, on: .shell, via: transport)
        }
        context.publishStatus("idle", parent: request, via: transport)
        history.save()
        if !aborted.isEmpty { abortExecutions(in: aborted) }
    }

    private func reply(_ request: Message, _ type: String, _ content: JSON) {
        context.reply(type, to: request, content: content, on: .shell, via: transport)
    }

    // MARK: execute

    /// Runs a cell; after an error with stop_on_error, returns the shell messages that were waiting
    /// (taken before the reply is sent, so a request sent after the client saw the reply is never aborted).
    private func execute(_ request: Message) -> [[[UInt8]]] {
        let content = request.content
        guard let code = content["code"]?.stringValue else {
            let error = KernelContext.errorContent(ename: "BadRequest", evalue: "execute_request content.code must be a string")
            reply(request, "execute_reply", error.merging(["execution_count": JSON(executionCount)]))
            return []
        }
        let isSilent = content["silent"]?.boolValue ?? false
        let storeHistory = isSilent ? false : (content["store_history"]?.boolValue ?? true)
        let allowStdin = content["allow_stdin"]?.boolValue ?? true
        let stopOnError = content["stop_on_error"]?.boolValue ?? true
        let userExpressions = content["user_expressions"]?.objectValue ?? [:]

        if storeHistory { executionCount += 1 }
        let count = executionCount
        // Clear an interrupt that came while idle before the cell is announced: an interrupt sent
        // once a client has seen execute_input must reach this cell, not be wiped by the reset.
        context.cancellation.reset()
        if !isSilent {
            context.publish("execute_input", content: ["code": .string(code), "execution_count": JSON(count)],
                            parent: request, via: transport)
        }
        let sink = IOPubSink(context: context, outlet: transport, parent: request, isSilent: isSilent)
        let reader = StdinReader(context: context, transport: transport, request: request, isAllowed: allowStdin)
        let execution = ExecutionContext(
            output: sink, input: reader, cancellation: context.cancellation, workingDirectory: workingDirectory,
            executionCount: count)
        do {
            let result = try language.execute(code, in: execution)
            if let result, !result.data.isEmpty, !isSilent {
                context.publish(
                    "execute_result",
                    content: ["execution_count": JSON(count), "data": .object(result.data), "metadata": .object(result.metadata)],
                    parent: request, via: transport)
            }
            if storeHistory { history.append(line: count, input: code, output: result?.plainText) }
            let expressions = evaluate(userExpressions, count: count)
            reply(request, "execute_reply", [
                "status": "ok", "execution_count": JSON(count), "user_expressions": .object(expressions), "payload": [],
            ])
            return []
        } catch {
            if storeHistory { history.append(line: count, input: code, output: nil) }
            let traceback = error.traceback
            if !isSilent {
                context.publish(
                    "error",
                    content: ["ename": .string(error.kind), "evalue": .string(error.value),
                              "traceback": .array(traceback.map { .string($0) })],
                    parent: request, via: transport)
            }
            let waiting = stopOnError && !isSilent ? transport.takeWaitingShellMessages() : []
            let content = KernelContext.errorContent(ename: error.kind, evalue: error.value, traceback: traceback)
            reply(request, "execute_reply", content.merging([
                "execution_count": JSON(count), "user_expressions": [:], "payload": [],
            ]))
            return waiting
        }
    }

    private func evaluate(_ expressions: [String: JSON], count: Int) -> [String: JSON] {
        guard !expressions.isEmpty else { return [:] }
        let quiet = ExecutionContext(
            output: DiscardingSink(), input: StdinReader(context: context, transport: transport,
                                                          request: Message(header: Header(messageType: "", session: "")),
                                                          isAllowed: false),
            cancellation: context.cancellation, workingDirectory: workingDirectory, executionCount: count)
        var results: [String: JSON] = [:]
        for (name, value) in expressions {
            guard let expression = value.stringValue else {
                results[name] = KernelContext.errorContent(ename: "BadRequest", evalue: "user expression '\(name)' must be a string")
                continue
            }
            do {
                let bundle = try language.evaluate(expression: expression, in: quiet)
                results[name] = ["status": "ok", "data": .object(bundle.data), "metadata": .object(bundle.metadata)]
            } catch {
                results[name] = KernelContext.errorContent(ename: error.kind, evalue: error.value, traceback: error.traceback)
            }
        }
        return results
    }

    /// Answers every execute_request among `waiting` with status "aborted" (stop_on_error);
    /// other requests are handled as usual.
    private func abortExecutions(in waiting: [[[UInt8]]]) {
        for frames in waiting {
            guard let request = context.decode(frames, on: .shell, answeringVia: transport) else { continue }
            guard request.messageType == "execute_request" else {
                handle(request)
                continue
            }
            context.logger.info("aborted a queued execute_request after an error (stop_on_error)")
            context.publishStatus("busy", parent: request, via: transport)
            reply(request, "execute_reply", ["status": "aborted", "execution_count": JSON(executionCount)])
            context.publishStatus("idle", parent: request, via: transport)
        }
    }

    // MARK: introspection

    private func isComplete(_ request: Message) {
        guard let code = request.content["code"]?.stringValue else {
            reply(request, "is_complete_reply", ["status": "unknown"])
            return
        }
        switch language.completeness(of: code) {
        case .complete: reply(request, "is_complete_reply", ["status": "complete"])
        case .incomplete(let indent): reply(request, "is_complete_reply", ["status": "incomplete", "indent": .string(indent)])
        case .invalid: reply(request, "is_complete_reply", ["status": "invalid"])
        }
    }

    private func complete(_ request: Message) {
        guard let code = request.content["code"]?.stringValue else {
            reply(request, "complete_reply", KernelContext.errorContent(ename: "BadRequest", evalue: "complete_request content.code must be a string"))
            return
        }
        let cursor = ShellHandler.cursor(request.content["cursor_pos"], in: code)
        let result = language.completions(in: code, cursor: cursor)
        let types: [JSON] = result.matches.map { match in
            ["start": JSON(result.cursorStart), "end": JSON(result.cursorEnd), "text": .string(match.text),
             "type": .string(match.type), "signature": .string(match.signature)]
        }
        reply(request, "complete_reply", [
            "status": "ok", "matches": .array(result.matches.map { .string($0.text) }),
            "cursor_start": JSON(result.cursorStart), "cursor_end": JSON(result.cursorEnd),
            "metadata": ["_jupyter_types_experimental": .array(types)],
        ])
    }

    private func inspect(_ request: Message) {
        guard let code = request.content["code"]?.stringValue else {
            reply(request, "inspect_reply", KernelContext.errorContent(ename: "BadRequest", evalue: "inspect_request content.code must be a string"))
            return
        }
        let cursor = ShellHandler.cursor(request.content["cursor_pos"], in: code)
        let detail = request.content["detail_level"]?.intValue ?? 0
        if let bundle = language.inspection(of: code, cursor: cursor, detailLevel: detail) {
            reply(request, "inspect_reply", ["status": "ok", "found": true, "data": .object(bundle.data), "metadata": .object(bundle.metadata)])
        } else {
            reply(request, "inspect_reply", ["status": "ok", "found": false, "data": [:], "metadata": [:]])
        }
    }

    /// The cursor position clamped to the code's length in code points (the end when absent).
    static func cursor(_ value: JSON?, in code: String) -> Int {
        let length = code.unicodeScalars.count
        guard let position = value?.intValue else { return length }
        return min(max(0, position), length)
    }

    private static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension JSON {
    /// This object with `other`'s members added (other wins); non-objects are returned unchanged.
    func merging(_ other: [String: JSON]) -> JSON {
        guard case .object(var members) = self else { return self }
        for (key, value) in other { members[key] = value }
        return .object(members)
    }
}
