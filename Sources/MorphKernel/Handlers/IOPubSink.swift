import MorphJSON
import MorphRender
import MorphScript

/// Publishes a running cell's outputs on iopub (stream, display_data, update_display_data,
/// clear_output), each with the execute request as parent. A silent execution publishes nothing.
final class IOPubSink: OutputSink {
    private let context: KernelContext
    private let outlet: MessageOutlet
    private let parent: Message
    private let isSilent: Bool

    init(context: KernelContext, outlet: MessageOutlet, parent: Message, isSilent: Bool) {
        self.context = context
        self.outlet = outlet
        self.parent = parent
        self.isSilent = isSilent
    }

    func write(_ text: String, to stream: OutputStream) {
        guard !isSilent, !text.isEmpty else { return }
        publish("stream", ["name": .string(stream.rawValue), "text": .string(text)])
    }

    func display(_ bundle: MimeBundle, displayID: String?) {
        publish("display_data", IOPubSink.content(of: bundle, displayID: displayID))
    }

    func updateDisplay(_ bundle: MimeBundle, displayID: String) {
        publish("update_display_data", IOPubSink.content(of: bundle, displayID: displayID))
    }

    func clearOutput(wait: Bool) {
        publish("clear_output", ["wait": .bool(wait)])
    }

    private func publish(_ type: String, _ content: JSON) {
        guard !isSilent else { return }
        context.publish(type, content: content, parent: parent, via: outlet)
    }

    static func content(of bundle: MimeBundle, displayID: String?) -> JSON {
        var transient: [String: JSON] = [:]
        if let displayID { transient["display_id"] = .string(displayID) }
        return ["data": .object(bundle.data), "metadata": .object(bundle.metadata), "transient": .object(transient)]
    }
}

/// An output sink that drops everything (user_expressions are evaluated without output).
final class DiscardingSink: OutputSink {
    func write(_ text: String, to stream: OutputStream) {}
    func display(_ bundle: MimeBundle, displayID: String?) {}
    func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
    func clearOutput(wait: Bool) {}
}
