import CZeroMQ
import Logging
import MorphEngine

/// The control thread's sockets: the control ROUTER and a PUSH to the iopub publisher.
final class ControlSockets: MessageOutlet {
    let control: ZMQSocket
    let iopub: ZMQSocket
    let logger: Logger

    init(control: ZMQSocket, iopub: ZMQSocket, logger: Logger) {
        self.control = control
        self.iopub = iopub
        self.logger = logger
    }

    func send(_ frames: [[UInt8]], on channel: Channel) {
        do {
            try (channel == .iopub ? iopub : control).send(frames)
        } catch {
            if !error.isTerminated { logger.error("sending on \(channel.rawValue): \(error.description)") }
        }
    }
}

/// The shell thread's sockets: shell and stdin ROUTERs and a PUSH to the iopub publisher.
final class ShellSockets: ShellTransport {
    let shell: ZMQSocket
    let stdin: ZMQSocket
    let iopub: ZMQSocket
    let maxMessageSize: Int
    let logger: Logger

    init(shell: ZMQSocket, stdin: ZMQSocket, iopub: ZMQSocket, maxMessageSize: Int, logger: Logger) {
        self.shell = shell
        self.stdin = stdin
        self.iopub = iopub
        self.maxMessageSize = maxMessageSize
        self.logger = logger
    }

    func send(_ frames: [[UInt8]], on channel: Channel) {
        let socket: ZMQSocket
        switch channel {
        case .iopub: socket = iopub
        case .stdin: socket = stdin
        default: socket = shell
        }
        do {
            try socket.send(frames)
        } catch {
            if !error.isTerminated { logger.error("sending on \(channel.rawValue): \(error.description)") }
        }
    }

    /// Takes the waiting shell messages, and those that follow within a short quiet period: a client
    /// that queues cells sends them back to back, and the failed cell may end before the next arrives.
    /// (Called before the error reply is sent, so nothing sent after the client saw it is taken.)
    func takeWaitingShellMessages() -> [[[UInt8]]] {
        var waiting: [[[UInt8]]] = []
        var rounds = 0
        repeat {
            while let frames = try? shell.receive(wait: false, maxTotalBytes: maxMessageSize) {
                if !frames.isEmpty { waiting.append(frames) }
            }
            rounds += 1
        } while rounds < 10 && ((try? shell.waitForInput(timeoutMilliseconds: ShellSockets.abortQuietMilliseconds)) ?? false)
        return waiting
    }

    /// How long the shell waits for more queued requests after an error with stop_on_error.
    static let abortQuietMilliseconds = 5

    func hasWaitingShellMessages() -> Bool {
        (try? shell.waitForInput(timeoutMilliseconds: 0)) ?? false
    }

    func receiveStdin(cancellation: CancellationToken) -> [[UInt8]]? {
        while !cancellation.isCancelled {
            do {
                // A short poll so that an interrupt (which only sets the token) ends the wait promptly.
                if try stdin.waitForInput(timeoutMilliseconds: 50),
                    let frames = try stdin.receive(wait: false, maxTotalBytes: maxMessageSize)
                {
                    if frames.isEmpty {
                        logger.warning("dropped a message of more than \(maxMessageSize) bytes on stdin")
                        continue
                    }
                    return frames
                }
            } catch {
                if !error.isTerminated { logger.error("waiting for input: \(error.description)") }
                return nil
            }
        }
        return nil
    }
}
