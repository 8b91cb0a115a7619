import MorphJSON
import MorphScript

/// Carries a session's comms over the kernel's channels: hands comm_open, comm_msg and
/// comm_close from front ends to the `CommHub`, publishes what the hub sends on iopub (parented
/// to the request being handled), answers comm_info, and reports every comm problem on iopub
/// as an `error` message (comm messages have no reply). Owned by the shell thread.
final class CommRouter {
    private let context: KernelContext
    private let transport: ShellTransport
    /// The language session's hub (nil: a language without comms; every comm_open is closed).
    let hub: CommHub?

    init(context: KernelContext, transport: ShellTransport, hub: CommHub?) {
        self.context = context
        self.transport = transport
        self.hub = hub
    }

    /// Routes the hub's messages as children of `parent` while `body` runs.
    func publishing<T>(under parent: Message, _ body: () throws -> T) rethrows -> T {
        let previous = hub?.outlet
        hub?.outlet = IOPubCommOutlet(context: context, outlet: transport, parent: parent)
        defer { hub?.outlet = previous }
        return try body()
    }

    /// The comm_info_reply content: every open comm (of `target_name` when given).
    func info(_ request: Message) -> JSON {
        let wanted = request.content["target_name"]?.stringValue
        var comms: [String: JSON] = [:]
        for (id, target) in hub?.openComms ?? [] where wanted == nil || wanted == target {
            comms[id] = ["target_name": .string(target)]
        }
        return ["status": "ok", "comms": .object(comms)]
    }

    /// Handles comm_open, comm_msg or comm_close.
    func receive(_ request: Message) {
        let content = request.content
        let commID = content["comm_id"]?.stringValue ?? ""
        let data = content["data"] ?? [:]
        publishing(under: request) {
            guard let hub else {
                if request.messageType == "comm_open" {
                    refuse(request, commID: commID, CommError(kind: "UnknownCommTarget", message: "this kernel has no comm targets"))
                } else {
                    report(CommError(kind: "UnknownComm", message: "no open comm with id '\(commID)'"), about: request)
                }
                return
            }
            do throws(CommError) {
                guard content["comm_id"]?.stringValue != nil else {
                    throw CommError(kind: "BadCommMessage", message: "\(request.messageType) content.comm_id must be a string")
                }
                guard data.objectValue != nil else {
                    throw CommError(kind: "BadCommMessage", message: "\(request.messageType) content.data must be an object")
                }
                switch request.messageType {
                case "comm_open":
                    do throws(CommError) {
                        try hub.receiveOpen(
                            commID: commID, targetName: content["target_name"]?.stringValue ?? "", data: data,
                            metadata: request.metadata, buffers: request.buffers)
                    } catch {
                        refuse(request, commID: commID, error)
                        return
                    }
                case "comm_msg":
                    try hub.receiveMessage(commID: commID, data: data, buffers: request.buffers)
                default:
                    try hub.receiveClose(commID: commID)
                }
            } catch {
                // A comm_open the hub cannot take is closed again, as the messaging spec asks.
                if request.messageType == "comm_open" && !commID.isEmpty {
                    refuse(request, commID: commID, error)
                } else {
                    report(error, about: request)
                }
            }
        }
    }

    /// Runs the widgets' pending callbacks unless more shell requests are waiting (then the
    /// latest of a burst of updates is computed once, after the burst).
    func runPendingCallbacks(after request: Message, force: Bool = false) {
        guard let hub, hub.hasPendingCallbacks else { return }
        if !force && transport.hasWaitingShellMessages() { return }
        publishing(under: request) {
            for error in hub.runPendingCallbacks() { report(error, about: request) }
        }
    }

    /// Closes a comm the hub refused (as the messaging spec asks) and says why.
    private func refuse(_ request: Message, commID: String, _ error: CommError) {
        context.publish("comm_close", content: ["comm_id": .string(commID), "data": [:]], parent: request, via: transport)
        report(error, about: request)
    }

    /// Publishes `error` on iopub as a child of `request` and logs it.
    private func report(_ error: CommError, about request: Message) {
        context.logger.warning("\(request.messageType): \(error.description)")
        context.publish(
            "error",
            content: ["ename": .string(error.kind), "evalue": .string(error.message),
                      "traceback": [.string("\(error.kind): \(error.message)")]],
            parent: request, via: transport)
    }
}

/// Publishes a hub's comm messages on iopub as children of one request.
final class IOPubCommOutlet: CommOutlet {
    private let context: KernelContext
    private let outlet: MessageOutlet
    private let parent: Message

    init(context: KernelContext, outlet: MessageOutlet, parent: Message) {
        self.context = context
        self.outlet = outlet
        self.parent = parent
    }

    func sendComm(_ type: String, content: JSON, metadata: JSON, buffers: [[UInt8]]) {
        var message = context.message(type, replyingTo: parent, identities: [Array(type.utf8)], content: content)
        message.metadata = metadata
        message.buffers = buffers
        outlet.send(context.codec.encode(message), on: .iopub)
    }
}
