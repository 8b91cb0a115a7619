import MorphEngine
import MorphJSON
import MorphScript

/// Reads input for a cell over the stdin channel: sends input_request to the front end that sent
/// the execute request and waits for its input_reply.
final class StdinReader: InputReader {
    private let context: KernelContext
    private let transport: ShellTransport
    private let request: Message
    private let isAllowed: Bool

    init(context: KernelContext, transport: ShellTransport, request: Message, isAllowed: Bool) {
        self.context = context
        self.transport = transport
        self.request = request
        self.isAllowed = isAllowed
    }

    func readLine(prompt: String, password: Bool) throws -> String {
        guard isAllowed else {
            throw InputUnavailable(
                reason: "this front end does not accept input (the execute request has allow_stdin false, "
                    + "as under nbconvert, nbclient and papermill); put the value in the cell instead")
        }
        let inputRequest = context.message(
            "input_request", replyingTo: request, identities: request.identities,
            content: ["prompt": .string(prompt), "password": .bool(password)])
        transport.send(context.codec.encode(inputRequest), on: .stdin)
        while true {
            guard let frames = transport.receiveStdin(cancellation: context.cancellation) else { throw Interrupted() }
            guard let reply = context.decode(frames, on: .stdin) else { continue }
            guard reply.messageType == "input_reply" else {
                context.logger.warning("ignored '\(reply.messageType)' on stdin while waiting for input_reply")
                continue
            }
            if let parentID = reply.parentHeader["msg_id"]?.stringValue, parentID != inputRequest.header.messageID {
                context.logger.info("ignored a stale input_reply")
                continue
            }
            return reply.content["value"]?.stringValue ?? ""
        }
    }
}
