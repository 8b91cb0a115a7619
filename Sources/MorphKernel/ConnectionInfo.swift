#if canImport(Glibc)
import Glibc
#endif
import MorphJSON

/// A Jupyter connection file: transport, address, the five ports, the signing key and scheme.
public struct ConnectionInfo: Sendable, CustomStringConvertible {
    /// `tcp` or `ipc`.
    public var transport: String
    /// The IP address (tcp) or path prefix (ipc).
    public var ip: String
    /// Port per channel (0 with tcp: any free port).
    public var ports: [Channel: Int]
    /// The HMAC key (empty: no signing). Never logged.
    public var key: String
    /// Only `hmac-sha256` is supported.
    public var signatureScheme: String

    /// A connection on `ip` with every port chosen by the system (used by tests).
    public init(transport: String = "tcp", ip: String = "127.0.0.1", key: String, ports: [Channel: Int] = [:]) {
        self.transport = transport
        self.ip = ip
        self.key = key
        self.signatureScheme = "hmac-sha256"
        self.ports = ports
    }

    /// Why a connection file cannot be used.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// What is wrong and what to do.
        public let description: String
    }

    /// Parses the connection file's JSON.
    public init(json: JSON) throws(Problem) {
        guard json.objectValue != nil else { throw Problem(description: "the connection file must hold a JSON object") }
        transport = json["transport"]?.stringValue ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else {
            throw Problem(description: "transport '\(transport)' is not supported (use tcp or ipc)")
        }
        ip = json["ip"]?.stringValue ?? "127.0.0.1"
        key = json["key"]?.stringValue ?? ""
        signatureScheme = json["signature_scheme"]?.stringValue ?? "hmac-sha256"
        guard signatureScheme == "hmac-sha256" || key.isEmpty else {
            throw Problem(description: "signature_scheme '\(signatureScheme)' is not supported (use hmac-sha256)")
        }
        ports = [:]
        for (channel, name) in ConnectionInfo.portNames {
            guard let value = json[name] else { throw Problem(description: "\(name) is missing") }
            guard let port = value.intValue, (0...65535).contains(port) else {
                throw Problem(description: "\(name) must be a port number, not \(value.serialized())")
            }
            ports[channel] = port
        }
    }

    /// Reads and parses a connection file; `warning` receives a note when it is readable by others.
    public static func load(path: String, warning: (String) -> Void) throws(Problem) -> ConnectionInfo {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Problem(description: "cannot read the connection file \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_mode & 0o077 != 0 {
            warning("the connection file \(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); its key lets them run code: chmod 600 it")
        }
        return try ConnectionInfo(json: readJSON(path: path))
    }

    /// The JSON a connection file holds.
    private static func readJSON(path: String) throws(Problem) -> JSON {
        guard let file = fopen(path, "rb") else {
            throw Problem(description: "cannot open the connection file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
        }
        let json: JSON
        do { json = try JSON.parse(utf8: bytes) } catch {
            throw Problem(description: "the connection file \(path) is not valid JSON: \(error.description)")
        }
        return json
    }

    /// The channels in connection-file order.
    static let portNames: [(Channel, String)] = [
        (.shell, "shell_port"), (.control, "control_port"), (.stdin, "stdin_port"), (.iopub, "iopub_port"),
        (.heartbeat, "hb_port"),
    ]

    /// This connection with every ipc port 0 replaced by the smallest number from 1 up that no
    /// other channel uses and whose socket file does not exist, so the five endpoints differ
    /// (as ipykernel does); tcp connections are returned unchanged.
    public func withDistinctIPCPorts() -> ConnectionInfo {
        guard transport == "ipc" else { return self }
        var resolved = self
        var taken = Set(ports.values.filter { $0 != 0 })
        var candidate = 1
        for (channel, _) in ConnectionInfo.portNames where (ports[channel] ?? 0) == 0 {
            var info = stat()
            while taken.contains(candidate) || stat("\(ip)-\(candidate)", &info) == 0 { candidate += 1 }
            resolved.ports[channel] = candidate
            taken.insert(candidate)
        }
        return resolved
    }

    /// Rewrites the connection file at `path` with this connection's ports, keeping its other
    /// fields, so that clients reading it find ports the kernel chose; the file is replaced
    /// atomically and stays readable by its owner only.
    public func writePorts(toFileAt path: String) throws(Problem) {
        let original = try ConnectionInfo.readJSON(path: path)
        guard case .object(var members) = original else {
            throw Problem(description: "the connection file \(path) must hold a JSON object")
        }
        for (channel, name) in ConnectionInfo.portNames { members[name] = JSON(ports[channel] ?? 0) }
        let bytes = Array((JSON.object(members).prettyPrinted(indent: 1) + "\n").utf8)
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let temporary = (directory.isEmpty ? "" : directory) + "/.connection-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Problem(description: "cannot write the ports back to \(path): \(String(cString: strerror(errno)))")
        }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw Problem(description: "cannot write the ports back to \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// The ZeroMQ endpoint for `channel`.
    public func endpoint(for channel: Channel) -> String {
        let port = ports[channel] ?? 0
        if transport == "ipc" { return "ipc://\(ip)-\(port)" }
        let host = ip.contains(":") ? "[\(ip)]" : ip
        return "tcp://\(host):\(port == 0 ? "*" : String(port))"
    }

    /// A summary without the key.
    public var description: String {
        "\(transport) \(ip) shell \(ports[.shell] ?? 0) control \(ports[.control] ?? 0) stdin \(ports[.stdin] ?? 0) "
            + "iopub \(ports[.iopub] ?? 0) hb \(ports[.heartbeat] ?? 0), signing \(key.isEmpty ? "off" : "on")"
    }
}
