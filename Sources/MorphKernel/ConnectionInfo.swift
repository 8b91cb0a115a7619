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
        let names: [(Channel, String)] = [
            (.shell, "shell_port"), (.control, "control_port"), (.stdin, "stdin_port"), (.iopub, "iopub_port"),
            (.heartbeat, "hb_port"),
        ]
        for (channel, name) in names {
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
        return try ConnectionInfo(json: json)
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
