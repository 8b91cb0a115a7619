import MorphJSON

/// The types of the content fields each request may carry; a request whose field has the wrong
/// type gets an error reply (ename `BadRequest`) saying which field and what was expected
/// (is_complete gets status `unknown`, the only fitting status its reply schema allows).
enum RequestValidation {
    enum Kind {
        case string, bool, integer, object

        func accepts(_ value: JSON) -> Bool {
            switch self {
            case .string: value.stringValue != nil
            case .bool: value.boolValue != nil
            case .integer: value.intValue != nil
            case .object: value.objectValue != nil
            }
        }

        var name: String {
            switch self {
            case .string: "a string"
            case .bool: "true or false"
            case .integer: "an integer"
            case .object: "an object"
            }
        }
    }

    /// Field name, type, and whether it must be present.
    typealias Field = (name: String, kind: Kind, required: Bool)

    static let fields: [String: [Field]] = [
        "execute_request": [
            ("code", .string, true), ("silent", .bool, false), ("store_history", .bool, false),
            ("allow_stdin", .bool, false), ("stop_on_error", .bool, false), ("user_expressions", .object, false),
        ],
        "complete_request": [("code", .string, true), ("cursor_pos", .integer, false)],
        "inspect_request": [("code", .string, true), ("cursor_pos", .integer, false), ("detail_level", .integer, false)],
        "is_complete_request": [("code", .string, true)],
        "history_request": [
            ("output", .bool, false), ("raw", .bool, false), ("hist_access_type", .string, false),
            ("session", .integer, false), ("start", .integer, false), ("stop", .integer, false), ("n", .integer, false),
            ("pattern", .string, false), ("unique", .bool, false),
        ],
        "comm_info_request": [("target_name", .string, false)],
        "shutdown_request": [("restart", .bool, false)],
    ]

    /// What is wrong with `request`'s content, or nil when its known fields have the right types.
    static func problem(in request: Message) -> String? {
        guard let expected = fields[request.messageType] else { return nil }
        for field in expected {
            guard let value = request.content[field.name] else {
                if field.required { return "\(request.messageType) content.\(field.name) is missing" }
                continue
            }
            if field.kind == .string && field.name == "hist_access_type", let access = value.stringValue,
                !["tail", "range", "search"].contains(access)
            {
                return "history_request content.hist_access_type must be tail, range or search, not '\(access)'"
            }
            if !field.kind.accepts(value) {
                return "\(request.messageType) content.\(field.name) must be \(field.kind.name), not \(value.serialized().prefix(40))"
            }
        }
        return nil
    }

    /// The reply type for a request type (`execute_request` → `execute_reply`).
    static func replyType(for requestType: String) -> String {
        requestType.hasSuffix("_request") ? String(requestType.dropLast("_request".count)) + "_reply" : requestType + "_reply"
    }
}

extension KernelContext {
    /// Replies with a BadRequest error when `request`'s fields have wrong types; true when it did.
    func rejectMalformed(_ request: Message, on channel: Channel, via outlet: MessageOutlet) -> Bool {
        guard let problem = RequestValidation.problem(in: request) else { return false }
        logger.warning("bad request: \(problem)")
        replyBadRequest(request, problem: problem, on: channel, via: outlet)
        return true
    }

    /// Answers a `*_request` with a BadRequest error reply saying `problem` (other messages get nothing).
    func replyBadRequest(_ request: Message, problem: String, on channel: Channel, via outlet: MessageOutlet) {
        guard request.messageType.hasSuffix("_request") else { return }
        var content = KernelContext.errorContent(ename: "BadRequest", evalue: problem)
        if request.messageType == "execute_request" { content = content.merging(["execution_count": 0]) }
        // is_complete_reply has no error status in the schema: "unknown" is its answer for anything odd.
        if request.messageType == "is_complete_request" { content = ["status": "unknown"] }
        reply(RequestValidation.replyType(for: request.messageType), to: request, content: content, on: channel, via: outlet)
    }
}
