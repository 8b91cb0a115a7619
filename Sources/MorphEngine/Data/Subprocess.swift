#if canImport(Glibc)
import Glibc
#endif

/// Runs a program (found on PATH) to completion; returns its exit status and standard error.
///
/// Standard input and output are /dev/null. A status of -1 means it could not start or was killed.
func runCapturingStandardError(_ arguments: [String]) -> (status: Int32, standardError: String) {
    guard let program = arguments.first else { return (-1, "no program given") }
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return (-1, "cannot create a pipe: \(errnoDescription())") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    // The caller's thread may block signals (the kernel's interrupt handling): reset them for the child.
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
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, program, &actions, &attributes, &argv, environ)
    close(fds[1])
    guard spawned == 0 else {
        close(fds[0])
        return (-1, "cannot run \(program): \(errnoDescription(spawned))")
    }
    var collected: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let got = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
        if got < 0 && errno == EINTR { continue }
        if got <= 0 { break }
        if collected.count < 65536 { collected.append(contentsOf: buffer[0..<got]) }
    }
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exited = (status & 0x7f) == 0
    let text = String(decoding: collected, as: UTF8.self).trimmingSuffixWhitespace()
    return (exited ? (status >> 8) & 0xff : -1, text)
}
