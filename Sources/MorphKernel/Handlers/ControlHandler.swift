import MorphJSON

/// Serves the control channel: kernel_info, interrupt and shutdown, answered even while a cell runs.
public final class ControlHandler {
    private let context: KernelContext
    private let outlet: MessageOutlet

    /// A handler sending through `outlet` (owned by the control thread).
    public init(context: KernelContext, outlet: MessageOutlet) {
        self.context = context
        self.outlet = outlet
    }

    /// Handles one multipart message received on the control socket.
    public func handle(_ frames: [[UInt8]]) {
        guard let request = context.decode(frames, on: .control, answeringVia: outlet) else { return }
        context.logger.debug("control: \(request.messageType)")
        context.publishStatus("busy", parent: request, via: outlet)
        if context.rejectMalformed(request, on: .control, via: outlet) {
            context.publishStatus("idle", parent: request, via: outlet)
            return
        }
        switch request.messageType {
        case "kernel_info_request":
            context.reply("kernel_info_reply", to: request, content: KernelInfo.content, on: .control, via: outlet)
        case "interrupt_request":
            context.cancellation.cancel()
            context.reply("interrupt_reply", to: request, content: ["status": "ok"], on: .control, via: outlet)
        case "shutdown_request":
            ControlHandler.shutdown(request, on: .control, context: context, outlet: outlet)
        default:
            context.answerUnknown(request, on: .control, via: outlet)
        }
        context.publishStatus("idle", parent: request, via: outlet)
    }

    /// Replies to a shutdown_request (on its channel and on iopub) and marks the kernel as stopping.
    static func shutdown(_ request: Message, on channel: Channel, context: KernelContext, outlet: MessageOutlet) {
        let restart = request.content["restart"]?.boolValue ?? false
        let content: JSON = ["status": "ok", "restart": .bool(restart)]
        context.reply("shutdown_reply", to: request, content: content, on: channel, via: outlet)
        context.publish("shutdown_reply", content: content, parent: request, via: outlet)
        context.logger.info("shutdown requested (restart: \(restart))")
        context.requestShutdown(restart: restart)
    }
}
