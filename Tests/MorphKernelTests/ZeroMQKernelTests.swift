import CZeroMQ
import Logging
import MorphJSON
import Testing

@testable import MorphKernel

/// The kernel on real ZeroMQ sockets on 127.0.0.1, started in-process on random ports.
@Suite struct ZeroMQKernelTests {
    struct Client {
        let codec = WireCodec(signer: MessageSigner(key: Array("zmq-test-key".utf8)), replayGuard: nil)
        let context: ZMQContext
        let shell: ZMQSocket
        let control: ZMQSocket
        let iopub: ZMQSocket
        let heartbeat: ZMQSocket

        init(_ server: KernelServer) throws {
            context = try ZMQContext()
            shell = try ZMQSocket(context, type: ZMQ_DEALER)
            control = try ZMQSocket(context, type: ZMQ_DEALER)
            iopub = try ZMQSocket(context, type: ZMQ_SUB)
            heartbeat = try ZMQSocket(context, type: ZMQ_REQ)
            try shell.connect(server.endpoints[.shell]!)
            try control.connect(server.endpoints[.control]!)
            try heartbeat.connect(server.endpoints[.heartbeat]!)
            try iopub.connect(server.endpoints[.iopub]!)
            _ = zmq_setsockopt(iopub.handle, ZMQ_SUBSCRIBE, "", 0)
        }

        /// The next message; the 20 s bound only turns a hang into a failure (sanitizer builds
        /// running beside the engine's tests are slow, but a reply never takes seconds otherwise).
        func receive(_ socket: ZMQSocket) throws -> Message {
            guard try socket.waitForInput(timeoutMilliseconds: 20_000), let frames = try socket.receive(wait: false) else {
                throw ZMQError("timed out waiting for a message")
            }
            return try codec.decode(frames)
        }

        @discardableResult
        func send(_ type: String, _ content: JSON = [:], on socket: ZMQSocket) throws -> Message {
            let message = Message(header: Header(messageType: type, session: "zmq-client"), content: content)
            try socket.send(codec.encode(message))
            return message
        }

        func close() {
            for socket in [shell, control, iopub, heartbeat] { socket.close() }
            context.terminate()
        }
    }

    @Test func kernelInfoExecuteHeartbeatAndShutdownOverTCP() throws {
        let logger = Logger(label: "morph.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try KernelServer(connection: ConnectionInfo(key: "zmq-test-key"), logger: logger)
        #expect((server.port(of: .shell) ?? 0) > 0)
        server.start(language: { ScriptedLanguage() })
        let client = try Client(server)
        defer { client.close() }

        // The subscription is welcomed (JEP 65), so iopub is live before the first request.
        let welcome = try client.receive(client.iopub)
        #expect(welcome.messageType == "iopub_welcome")
        #expect(welcome.content == ["subscription": ""])

        let request = try client.send("kernel_info_request", on: client.shell)
        let reply = try client.receive(client.shell)
        #expect(reply.messageType == "kernel_info_reply")
        #expect(reply.parentHeader["msg_id"]?.stringValue == request.header.messageID)
        #expect(reply.content["protocol_version"] == "5.5")
        let busy = try client.receive(client.iopub)
        let idle = try client.receive(client.iopub)
        #expect(busy.content["execution_state"] == "busy")
        #expect(idle.content["execution_state"] == "idle")
        #expect(idle.parentHeader["msg_id"]?.stringValue == request.header.messageID)

        try client.send("execute_request", ["code": "out hi\nvalue 3"], on: client.shell)
        let executeReply = try client.receive(client.shell)
        #expect(executeReply.content["status"] == "ok")
        var kinds: [String] = []
        while kinds.last != "status" || kinds.count < 2 { kinds.append(try client.receive(client.iopub).messageType) }
        #expect(kinds == ["status", "execute_input", "stream", "execute_result", "status"])

        try client.heartbeat.send([Array("ping".utf8)])
        #expect(try client.heartbeat.waitForInput(timeoutMilliseconds: 5000))
        #expect(try client.heartbeat.receive(wait: false) == [Array("ping".utf8)])

        // kernel_info on control too, then shutdown through control.
        try client.send("kernel_info_request", on: client.control)
        #expect(try client.receive(client.control).messageType == "kernel_info_reply")
        try client.send("shutdown_request", ["restart": false], on: client.control)
        let shutdown = try client.receive(client.control)
        #expect(shutdown.content == ["status": "ok", "restart": false])
        #expect(server.waitUntilStopped() == false)
    }

    @Test func unsignedMessagesAreDroppedAndTheKernelStaysAlive() throws {
        let logger = Logger(label: "morph.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try KernelServer(connection: ConnectionInfo(key: "zmq-test-key"), logger: logger)
        server.start(language: { ScriptedLanguage() })
        let client = try Client(server)
        defer { client.close() }
        _ = try client.receive(client.iopub)
        let unsigned = WireCodec(key: "").encode(Message(header: Header(messageType: "kernel_info_request", session: "x")))
        try client.shell.send(unsigned)
        try client.shell.send([[0xFF, 0x00]])
        try client.send("kernel_info_request", on: client.shell)
        #expect(try client.receive(client.shell).messageType == "kernel_info_reply")
        server.requestStop()
        #expect(server.waitUntilStopped() == false)
    }
}

extension ZeroMQKernelTests {
    @Test func ipcTransport() throws {
        let logger = Logger(label: "morph.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let prefix = "/tmp/morph-ipc-test-\(UInt32.random(in: 0...UInt32.max))"
        let ports: [Channel: Int] = [.shell: 1, .iopub: 2, .stdin: 3, .control: 4, .heartbeat: 5]
        let server = try KernelServer(
            connection: ConnectionInfo(transport: "ipc", ip: prefix, key: "zmq-test-key", ports: ports), logger: logger)
        #expect(server.endpoints[.shell] == "ipc://\(prefix)-1")
        server.start(language: { ScriptedLanguage() })
        let client = try Client(server)
        defer { client.close() }
        _ = try client.receive(client.iopub)
        try client.send("kernel_info_request", on: client.shell)
        #expect(try client.receive(client.shell).messageType == "kernel_info_reply")
        try client.send("shutdown_request", ["restart": true], on: client.control)
        #expect(try client.receive(client.control).content["restart"] == true)
        #expect(server.waitUntilStopped() == true)
    }
}

extension ZeroMQKernelTests {
    /// Control is served on its own thread: kernel_info and interrupt are answered while a cell runs.
    @Test func interruptAndKernelInfoWhileACellRuns() throws {
        let logger = Logger(label: "morph.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try KernelServer(connection: ConnectionInfo(key: "zmq-test-key"), logger: logger)
        server.start(language: { ScriptedLanguage() })
        let client = try Client(server)
        defer { client.close() }
        _ = try client.receive(client.iopub)
        try client.send("execute_request", ["code": "spin"], on: client.shell)
        try client.send("execute_request", ["code": "out queued"], on: client.shell)
        // Wait until the cell runs (its execute_input is published).
        while try client.receive(client.iopub).messageType != "execute_input" {}
        try client.send("kernel_info_request", on: client.control)
        #expect(try client.receive(client.control).messageType == "kernel_info_reply")
        try client.send("interrupt_request", on: client.control)
        #expect(try client.receive(client.control).content["status"] == "ok")
        let interrupted = try client.receive(client.shell)
        #expect(interrupted.content["ename"] == "Interrupted")
        // The queued cell was aborted (stop_on_error), and the kernel answers at once afterwards.
        #expect(try client.receive(client.shell).content["status"] == "aborted")
        try client.send("execute_request", ["code": "value 7"], on: client.shell)
        #expect(try client.receive(client.shell).content["status"] == "ok")
        server.requestStop()
        server.waitUntilStopped()
    }
}

extension ZeroMQKernelTests {
    /// A frame larger than the limit is refused by ZeroMQ; a message whose frames together exceed
    /// it is read and dropped; the kernel answers the next request either way.
    @Test func messagesOverTheSizeLimitAreDropped() throws {
        let logger = Logger(label: "morph.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try KernelServer(connection: ConnectionInfo(key: "zmq-test-key"), logger: logger, maxMessageSize: 4096)
        #expect(server.maxMessageSize == 4096)
        #expect(server.connection.ports.values.allSatisfy { $0 > 0 })
        #expect(server.connection.ports[.shell] == server.port(of: .shell))
        server.start(language: { ScriptedLanguage() })
        let client = try Client(server)
        defer { client.close() }
        _ = try client.receive(client.iopub)

        try client.shell.send([[UInt8](repeating: 1, count: 5000)])  // one frame past the limit
        let request = Message(header: Header(messageType: "execute_request", session: "zmq-client"),
                              content: ["code": "out many"], buffers: Array(repeating: [UInt8](repeating: 2, count: 1000), count: 5))
        try client.shell.send(client.codec.encode(request))  // five small frames, 5000 bytes together

        // The first send made ZeroMQ drop that connection: a new one is served.
        let again = try Client(server)
        defer { again.close() }
        try again.send("kernel_info_request", on: again.shell)
        #expect(try again.receive(again.shell).messageType == "kernel_info_reply")
        try again.send("shutdown_request", on: again.control)
        #expect(try again.receive(again.control).messageType == "shutdown_reply")
        #expect(server.waitUntilStopped() == false)
    }

    /// Thousands of empty frames carry almost no bytes, yet each costs memory to hold: they count
    /// against the limit too, so such a message is dropped while the same request with a few
    /// frames runs.
    @Test func manyTinyFramesCountAgainstTheSizeLimit() throws {
        let logger = Logger(label: "morph.test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try KernelServer(connection: ConnectionInfo(key: "zmq-test-key"), logger: logger, maxMessageSize: 8192)
        server.start(language: { ScriptedLanguage() })
        let client = try Client(server)
        defer { client.close() }
        _ = try client.receive(client.iopub)

        func request(frames: Int) -> Message {
            Message(header: Header(messageType: "execute_request", session: "zmq-client"),
                    content: ["code": "value 7"], buffers: Array(repeating: [], count: frames))
        }
        try client.shell.send(client.codec.encode(request(frames: 1000)))  // 1000 empty frames: dropped
        try client.send("kernel_info_request", on: client.shell)
        #expect(try client.receive(client.shell).messageType == "kernel_info_reply")
        try client.shell.send(client.codec.encode(request(frames: 10)))  // 10 empty frames: runs
        #expect(try client.receive(client.shell).messageType == "execute_reply")
        server.requestStop()
        server.waitUntilStopped()
    }
}
