import CEarlyListen
import CZeroMQ
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's TCP listening sockets made before `main` (see CEarlyListen), handed to ZeroMQ so
/// that a client connecting while the process starts is queued instead of refused.
enum EarlyListeners {
    /// The slot of `channel` in CEarlyListen's table.
    static func slot(of channel: Channel) -> Int32 {
        switch channel {
        case .shell: 0
        case .control: 1
        case .stdin: 2
        case .iopub: 3
        case .heartbeat: 4
        }
    }

    /// The early listener for `channel` if it listens on `endpoint`'s port; nil otherwise (a
    /// listener for another port is closed, so that ZeroMQ's own bind finds its port free).
    static func take(_ channel: Channel, endpoint: String) -> Int32? {
        unsetenv("MORPH_EARLY_LISTENERS")  // handed over by morph-kernel; children must not see it
        let fd = morph_early_listener_take(slot(of: channel))
        guard fd >= 0 else { return nil }
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":"),
              let wanted = Int(endpoint[endpoint.index(after: colon)...]), wanted > 0
        else {
            close(fd)
            return nil
        }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0, Int(UInt16(bigEndian: address.sin_port)) == wanted else {
            close(fd)
            return nil
        }
        return fd
    }
}

extension ZMQSocket {
    /// Binds to `endpoint` for `channel`, taking over the socket listening there since start-up
    /// when there is one; returns the endpoint bound.
    @discardableResult
    func bind(_ endpoint: String, for channel: Channel) throws(ZMQError) -> String {
        if let fd = EarlyListeners.take(channel, endpoint: endpoint) {
            do {
                try setOption(ZMQ_USE_FD, fd)
                return try bind(endpoint)
            } catch {
                try? setOption(ZMQ_USE_FD, -1)
                Glibc.close(fd)
            }
        }
        return try bind(endpoint)
    }
}
