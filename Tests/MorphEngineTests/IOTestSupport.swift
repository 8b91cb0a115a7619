import Glibc
import MorphEngine

/// A fresh directory under /tmp for one test, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/morph-io-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = made.map { String(cString: $0) } ?? "/tmp/morph-io-test-fallback"
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// The names in the directory (including hidden ones, excluding . and ..).
    func listing() -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func remove() {
        for name in listing() {
            let full = file(name)
            var info = stat()
            if stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                TemporaryDirectory(existing: full).remove()
            } else {
                unlink(full)
            }
        }
        rmdir(path)
    }

    init(existing: String) { path = existing }
}

/// Writes a file directly, non-atomically (to plant malformed files).
func testWriteFile(_ bytes: [UInt8], to path: String) {
    guard let file = fopen(path, "wb") else { return }
    _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
}

/// The path of a reference file in the repository's Tests/Fixtures (e.g. "pytorch-autoencoder/x.npz").
func repositoryFixture(_ relative: String, filePath: String = #filePath) -> String {
    var parts = filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    // …/<checkout>/Tests/MorphEngineTests/File.swift → …/<checkout>/Tests/Fixtures
    parts.removeLast(2)
    return parts.joined(separator: "/") + "/Fixtures/" + relative
}

/// Catches the `DataFileError` thrown by `body`, or nil when nothing (or something else) was thrown.
func dataFileError(_ body: () throws -> Void) -> DataFileError? {
    do {
        try body()
        return nil
    } catch let error as DataFileError {
        return error
    } catch {
        return nil
    }
}

/// A child process started with `posix_spawnp`, its standard output readable through a pipe.
final class ChildProcess {
    let pid: pid_t
    private var reaped = false
    private let output: UnsafeMutablePointer<FILE>?

    init?(_ arguments: [String], captureOutput: Bool = false) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var fds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&fds) == 0 else { return nil }
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // The test runner's threads may block signals; give the child an empty mask and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let status = posix_spawnp(&child, arguments[0], &actions, &attributes, &argv, environ)
        if captureOutput { close(fds[1]) }
        guard status == 0 else {
            if captureOutput { close(fds[0]) }
            return nil
        }
        pid = child
        output = captureOutput ? fdopen(fds[0], "r") : nil
    }

    /// The next line of standard output, without its newline, or nil at end of file.
    func readLine() -> String? {
        guard let output else { return nil }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard fgets(&buffer, Int32(buffer.count), output) != nil else { return nil }
        var line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if line.hasSuffix("\n") { line.removeLast() }
        return line
    }

    /// Waits for the process and returns its exit status (or -1 when killed by a signal).
    @discardableResult
    func wait() -> Int32 {
        guard !reaped else { return -1 }
        reaped = true
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if let output { fclose(output) }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    /// Stops the process and reaps it.
    func terminate() {
        guard !reaped else { return }
        kill(pid, SIGKILL)
        wait()
    }
}

/// Runs a command to completion and returns its exit status (-1 if it could not start).
func runProcess(_ arguments: [String]) -> Int32 {
    guard let child = ChildProcess(arguments) else { return -1 }
    return child.wait()
}
