#if canImport(Glibc)
import Glibc
#endif
import MorphEngine
import MorphJSON
import Testing

@testable import MorphKernel

/// The contents of a text file, or nil when it cannot be read.
func readTextFile(_ path: String) -> String? {
    (try? readFileBytes(path)).map { String(decoding: $0, as: UTF8.self) }
}

@Suite struct KernelspecTests {
    /// The repository's top-level kernel.json is the template `morph install` starts from.
    @Test func templateMatchesTheRepositoryKernelJSON() throws {
        let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        let text = try #require(readTextFile("/" + root + "/kernel.json"))
        #expect(try JSON.parse(text) == Kernelspec.template)
    }

    @Test func installWritesKernelJSONAndLogos() throws {
        let directory = "/tmp/morph-kernelspec-test-\(getpid())"
        defer { _ = system("rm -rf '\(directory)'") }
        let installed = try Kernelspec.install(
            into: directory + "/share/jupyter/kernels", name: "morph", binaryPath: "/opt/morph/bin/morph",
            environment: ["OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_THREAD_TIMEOUT": "16"])
        #expect(installed == directory + "/share/jupyter/kernels/morph")
        let spec = try JSON.parse(try #require(readTextFile(installed + "/kernel.json")))
        #expect(spec["argv"] == ["/opt/morph/bin/morph", "kernel", "--connection-file", "{connection_file}"])
        #expect(spec["interrupt_mode"] == "message")
        #expect(spec["language"] == "morph")
        #expect(spec["display_name"] == "Morph")
        #expect(spec["env"] == ["OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_THREAD_TIMEOUT": "16"])
        for size in [32, 64] {
            let png = Array(try #require(readTextFile(installed + "/logo-\(size)x\(size).png")).utf8)
            #expect(png.count > 100)
        }
        let logo = Logo.png(size: 64)
        #expect(Array(logo.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(logo[16..<24]) == [0, 0, 0, 64, 0, 0, 0, 64])  // IHDR width and height
    }

    @Test func invalidNamesAreRejected() {
        #expect(throws: Kernelspec.InstallError.self) {
            try Kernelspec.install(into: "/tmp/x", name: "bad name/..", binaryPath: "/m")
        }
        #expect(Kernelspec.isValidName("morph-dev_1.2"))
        #expect(Kernelspec.isValidName("..morph"))
        for name in [".", "..", ""] {
            #expect(!Kernelspec.isValidName(name))
            #expect(throws: Kernelspec.InstallError.self) {
                try Kernelspec.install(into: "/tmp/morph-never-written", name: name, binaryPath: "/m")
            }
        }
    }

    @Test func userDataDirectoryFollowsJupyterConventions() {
        #expect(Kernelspec.userDataDirectory { ["HOME": "/home/a"][$0] } == "/home/a/.local/share/jupyter")
        #expect(Kernelspec.userDataDirectory { ["HOME": "/home/a", "XDG_DATA_HOME": "/x"][$0] } == "/x/jupyter")
        #expect(Kernelspec.userDataDirectory { ["HOME": "/home/a", "JUPYTER_DATA_DIR": "/j"][$0] } == "/j")
    }
}

@Suite struct ConnectionInfoTests {
    let good: JSON = [
        "transport": "tcp", "ip": "127.0.0.1", "shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003,
        "control_port": 5004, "hb_port": 5005, "key": "abc", "signature_scheme": "hmac-sha256", "kernel_name": "morph",
    ]

    @Test func endpointsForTCPAndIPC() throws {
        let tcp = try ConnectionInfo(json: good)
        #expect(tcp.endpoint(for: .shell) == "tcp://127.0.0.1:5001")
        #expect(tcp.endpoint(for: .heartbeat) == "tcp://127.0.0.1:5005")
        #expect(!tcp.description.contains("abc"))
        var ipcJSON = good
        ipcJSON["transport"] = "ipc"
        ipcJSON["ip"] = "/tmp/kernel-ipc"
        #expect(try ConnectionInfo(json: ipcJSON).endpoint(for: .iopub) == "ipc:///tmp/kernel-ipc-5002")
        #expect(ConnectionInfo(key: "k").endpoint(for: .shell) == "tcp://127.0.0.1:*")
    }

    @Test func badConnectionFilesSayWhatIsWrong() {
        var missing = good
        missing["hb_port"] = nil
        #expect(throws: ConnectionInfo.Problem.self) { try ConnectionInfo(json: missing) }
        var badPort = good
        badPort["shell_port"] = "five"
        #expect(throws: ConnectionInfo.Problem.self) { try ConnectionInfo(json: badPort) }
        var badScheme = good
        badScheme["signature_scheme"] = "hmac-md5"
        #expect(throws: ConnectionInfo.Problem.self) { try ConnectionInfo(json: badScheme) }
        #expect(throws: ConnectionInfo.Problem.self) { try ConnectionInfo(json: [1, 2]) }
    }

    @Test func ipcPortZeroGetsFiveDistinctEndpoints() throws {
        let prefix = "/tmp/morph-ipc-ports-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let planted = prefix + "-2"  // an existing socket file is skipped
        let file = try #require(fopen(planted, "wb"))
        fclose(file)
        defer { unlink(planted) }
        var json = good
        json["transport"] = "ipc"
        json["ip"] = .string(prefix)
        for name in ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] { json[name] = 0 }
        json["control_port"] = 3
        let info = try ConnectionInfo(json: json).withDistinctIPCPorts()
        let endpoints = Set(Channel.allCases.map { info.endpoint(for: $0) })
        #expect(endpoints.count == 5)
        #expect(info.ports[.control] == 3)
        #expect(Set(info.ports.values) == [1, 3, 4, 5, 6])
        #expect(try ConnectionInfo(json: good).withDistinctIPCPorts().ports == ConnectionInfo(json: good).ports)
    }

    @Test func chosenPortsAreWrittenBackKeepingTheOtherFields() throws {
        let path = "/tmp/morph-connection-ports-\(getpid()).json"
        defer { unlink(path) }
        var json = good
        json["shell_port"] = 0
        let bytes = json.serializedBytes()
        let file = try #require(fopen(path, "wb"))
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        var info = try ConnectionInfo.load(path: path) { _ in }
        info.ports[.shell] = 40123
        try info.writePorts(toFileAt: path)
        let reread = try ConnectionInfo.load(path: path) { _ in }
        #expect(reread.ports[.shell] == 40123)
        #expect(reread.ports[.heartbeat] == 5005)
        #expect(reread.key == "abc")
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
    }

    @Test func loadWarnsWhenOthersCanReadTheKey() throws {
        let path = "/tmp/morph-connection-\(getpid()).json"
        defer { unlink(path) }
        let bytes = good.serializedBytes()
        let file = try #require(fopen(path, "wb"))
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        chmod(path, 0o644)
        var warnings: [String] = []
        let info = try ConnectionInfo.load(path: path) { warnings.append($0) }
        #expect(info.key == "abc")
        #expect(warnings.count == 1)
        #expect(warnings.first.map { !$0.contains("abc") } == true)
        chmod(path, 0o600)
        warnings = []
        _ = try ConnectionInfo.load(path: path) { warnings.append($0) }
        #expect(warnings.isEmpty)
        #expect(throws: ConnectionInfo.Problem.self) { try ConnectionInfo.load(path: path + ".missing") { _ in } }
    }
}
