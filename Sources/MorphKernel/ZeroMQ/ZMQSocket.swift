#if canImport(Glibc)
import Glibc
#endif
import CZeroMQ

/// A ZeroMQ socket. Sockets are not thread-safe: each one has a single owner thread (it may be
/// created on another thread and handed over before use, which thread start-up orders).
/// `@unchecked Sendable` only so that it can be handed to its owner thread.
public final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private var isClosed = false

    /// A socket of `type` (ZMQ_ROUTER, ZMQ_XPUB, …) in `context`, with linger `lingerMilliseconds`.
    public init(_ context: ZMQContext, type: Int32, lingerMilliseconds: Int32 = 0) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type) else { throw ZMQError("zmq_socket") }
        self.handle = handle
        try setOption(ZMQ_LINGER, lingerMilliseconds)
    }

    deinit { close() }

    /// Sets an integer socket option.
    public func setOption(_ option: Int32, _ value: Int32) throws(ZMQError) {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError("zmq_setsockopt(\(option))")
        }
    }

    /// Sets a 64-bit integer socket option (e.g. `ZMQ_MAXMSGSIZE`).
    public func setOption64(_ option: Int32, _ value: Int64) throws(ZMQError) {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError("zmq_setsockopt(\(option))")
        }
    }

    /// Binds to `endpoint` (e.g. `tcp://127.0.0.1:*`) and returns the endpoint actually bound.
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("bind \(endpoint)") }
        var buffer = [CChar](repeating: 0, count: 512)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return endpoint }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Connects to `endpoint`.
    public func connect(_ endpoint: String) throws(ZMQError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError("connect \(endpoint)") }
    }

    /// Bytes a received frame is charged beyond its payload: the buffer libzmq keeps it in.
    public static let frameOverhead = MemoryLayout<zmq_msg_t>.size

    /// Receives one multipart message; nil when `wait` is false and nothing is waiting. A message
    /// whose frames together cost more than `maxTotalBytes` (each frame its size plus
    /// `frameOverhead`, so thousands of empty frames count too) is read to its end and discarded
    /// without being copied: it comes back as no frames at all (`[]`, which no real message is).
    public func receive(wait: Bool = true, maxTotalBytes: Int = .max) throws(ZMQError) -> [[UInt8]]? {
        // Each part keeps its libzmq buffer (at a fixed address) until the total size is known.
        var parts: [UnsafeMutablePointer<zmq_msg_t>] = []
        func release(_ part: UnsafeMutablePointer<zmq_msg_t>) {
            zmq_msg_close(part)
            part.deallocate()
        }
        defer { parts.forEach(release) }
        var total = 0
        var oversized = false
        var first = true
        let flags: Int32 = wait ? 0 : ZMQ_DONTWAIT
        while true {
            let part = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
            zmq_msg_init(part)
            var received: Int32
            repeat {
                received = zmq_msg_recv(part, handle, first ? flags : 0)
            } while received < 0 && zmq_errno() == EINTR
            if received < 0 {
                let code = zmq_errno()
                release(part)
                if code == EAGAIN && first { return nil }
                throw ZMQError("zmq_msg_recv")
            }
            first = false
            let (sum, overflow) = total.addingReportingOverflow(zmq_msg_size(part) &+ Self.frameOverhead)
            total = overflow ? .max : sum
            let more = zmq_msg_more(part) != 0
            if overflow || sum > maxTotalBytes {
                oversized = true
                parts.forEach(release)
                parts = []
                release(part)
            } else {
                parts.append(part)
            }
            if !more { break }
        }
        if oversized { return [] }
        var frames: [[UInt8]] = []
        frames.reserveCapacity(parts.count)
        for part in parts {
            let size = zmq_msg_size(part)
            if size == 0 {
                frames.append([])
            } else {
                let data = zmq_msg_data(part)!.assumingMemoryBound(to: UInt8.self)
                frames.append(Array(UnsafeBufferPointer(start: data, count: size)))
            }
            zmq_msg_close(part)
            zmq_msg_init(part)  // emptied now; closed again (harmlessly) by the deferred release
        }
        return frames
    }

    /// Sends one multipart message.
    public func send(_ frames: [[UInt8]]) throws(ZMQError) {
        for (index, frame) in frames.enumerated() {
            let flags: Int32 = index == frames.count - 1 ? 0 : ZMQ_SNDMORE
            var sent: Int32
            repeat {
                sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            } while sent < 0 && zmq_errno() == EINTR
            if sent < 0 { throw ZMQError("zmq_send") }
        }
    }

    /// Sends one multipart message unless the socket would block on its first frame (a full
    /// queue); returns whether it was sent.
    public func trySend(_ frames: [[UInt8]]) throws(ZMQError) -> Bool {
        var refreshed = false
        var index = 0
        while index < frames.count {
            var flags: Int32 = index == frames.count - 1 ? 0 : ZMQ_SNDMORE
            if index == 0 { flags |= ZMQ_DONTWAIT }
            var sent: Int32
            repeat {
                sent = frames[index].withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            } while sent < 0 && zmq_errno() == EINTR
            if sent < 0 {
                guard index == 0 && zmq_errno() == EAGAIN else { throw ZMQError("zmq_send") }
                if refreshed { return false }
                // libzmq learns that readers caught up through commands it processes at most
                // about once a millisecond during sends; reading ZMQ_EVENTS processes them now.
                var events: Int32 = 0
                var size = MemoryLayout<Int32>.size
                _ = zmq_getsockopt(handle, ZMQ_EVENTS, &events, &size)
                refreshed = true
                continue
            }
            index += 1
        }
        return true
    }

    /// Waits until this socket has a message to read, at most `timeoutMilliseconds` (-1: forever).
    public func waitForInput(timeoutMilliseconds: Int) throws(ZMQError) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let count = zmq_poll(&item, 1, timeoutMilliseconds)
        if count < 0 {
            if zmq_errno() == EINTR { return false }
            throw ZMQError("zmq_poll")
        }
        return count > 0
    }

    /// Closes the socket (once).
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }
}
