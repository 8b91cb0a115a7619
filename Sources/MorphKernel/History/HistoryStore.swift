#if canImport(Glibc)
import Glibc
#endif
import MorphJSON

/// Cells of every kernel session, kept in one append-only JSON-lines file so that a later session
/// (after a restart, or the next day) can read them. Each line is one JSON object: a session start
/// `{"session": N, "started": "…"}` or a cell `{"session": N, "line": L, "input": "…", "output": …}`.
/// Writers hold an exclusive `flock` on the file while they append, readers a shared one; a line
/// that does not parse (a torn write, a hand edit) is skipped. Owned by one thread (the shell's).
public final class HistoryStore: Sendable {
    /// One cell as the store keeps it.
    public struct Entry: Equatable, Sendable {
        /// The session that ran it (1, 2, … in the order sessions started).
        public var session: Int
        /// Its execution count in that session.
        public var line: Int
        /// The cell's source.
        public var input: String
        /// Its result as plain text, if it had one.
        public var output: String?

        /// An entry from its parts.
        public init(session: Int, line: Int, input: String, output: String?) {
            self.session = session
            self.line = line
            self.input = input
            self.output = output
        }
    }

    /// Why the store cannot be used (the kernel then keeps history in memory only).
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        /// What went wrong, with the file's path.
        public let description: String
    }

    /// The store's file.
    public let path: String
    /// How long a read or write waits for another process's lock before giving up.
    let lockWaitMilliseconds: Int

    /// A store in `path` (the file and its directory are created when missing).
    public init(path: String, lockWaitMilliseconds: Int = 200) {
        self.path = path
        self.lockWaitMilliseconds = lockWaitMilliseconds
    }

    /// The store under a Jupyter data directory: `DIR/morph/history.jsonl`.
    public convenience init(dataDirectory: String) {
        self.init(path: dataDirectory + "/morph/history.jsonl")
    }

    /// Starts a new session: its number is one more than the highest in the file (1 for a new file).
    public func beginSession(startedAt timestamp: String) throws(Unavailable) -> Int {
        try makeDirectory()
        let fd = try open(flags: O_RDWR | O_CREAT | O_APPEND)
        defer { close(fd) }
        try lock(fd, exclusive: true)
        let (entries, starts, _) = try readAll(fd)
        let highest = max(entries.map(\.session).max() ?? 0, starts.max() ?? 0)
        let (session, overflow) = highest.addingReportingOverflow(1)
        guard !overflow else { throw Unavailable(description: "\(path): session numbers are exhausted") }
        let record: JSON = ["session": JSON(session), "started": .string(timestamp)]
        try append(record, to: fd)
        return session
    }

    /// Appends one cell.
    public func append(_ entry: Entry) throws(Unavailable) {
        try append([entry])
    }

    /// Appends cells, in order, in one write.
    public func append(_ entries: [Entry]) throws(Unavailable) {
        guard !entries.isEmpty else { return }
        let fd = try open(flags: O_WRONLY | O_CREAT | O_APPEND)
        defer { close(fd) }
        try lock(fd, exclusive: true)
        var bytes: [UInt8] = []
        for entry in entries {
            var record: [String: JSON] = [
                "session": JSON(entry.session), "line": JSON(entry.line), "input": .string(entry.input),
            ]
            record["output"] = entry.output.map { .string($0) } ?? .null
            bytes += JSON.object(record).serializedBytes()
            bytes.append(UInt8(ascii: "\n"))
        }
        try write(bytes, to: fd)
    }

    /// Every cell in the file, oldest first, and how many lines could not be read.
    public func load() throws(Unavailable) -> (entries: [Entry], unreadableLines: Int) {
        if access(path, F_OK) != 0 && errno == ENOENT { return ([], 0) }
        let fd = try open(flags: O_RDONLY)
        defer { close(fd) }
        try lock(fd, exclusive: false)
        let (entries, _, unreadable) = try readAll(fd)
        return (entries, unreadable)
    }

    // MARK: file access

    private func open(flags: Int32) throws(Unavailable) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot open") }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            close(fd)
            throw Unavailable(description: "\(path) is not a regular file")
        }
        return fd
    }

    private func makeDirectory() throws(Unavailable) {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var prefix = parts.first == "" ? "" : "."
        if parts.first == "" { parts = parts.dropFirst() }
        for part in parts where !part.isEmpty {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw failure("cannot create \(prefix)") }
        }
    }

    /// Takes the lock, retrying for up to `lockWaitMilliseconds`.
    private func lock(_ fd: Int32, exclusive: Bool) throws(Unavailable) {
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        var waited = 0
        while flock(fd, operation) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw failure("cannot lock") }
            guard waited < lockWaitMilliseconds else {
                throw Unavailable(description: "\(path) stayed locked by another process for \(waited) ms")
            }
            usleep(5000)
            waited += 5
        }
    }

    private func append(_ record: JSON, to fd: Int32) throws(Unavailable) {
        var bytes = record.serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        try write(bytes, to: fd)
    }

    private func write(_ bytes: [UInt8], to fd: Int32) throws(Unavailable) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write")
            }
            offset += written
        }
    }

    /// Parses the whole file: its cells, its session numbers, and the count of unreadable lines.
    private func readAll(_ fd: Int32) throws(Unavailable) -> ([Entry], [Int], Int) {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw failure("cannot read") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        var entries: [Entry] = []
        var sessions: [Int] = []
        var unreadable = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let record = try? JSON.parse(utf8: line), let session = record["session"]?.intValue, session > 0
            else {
                unreadable += 1
                continue
            }
            if record["started"] != nil {
                sessions.append(session)
            } else if let number = record["line"]?.intValue, let input = record["input"]?.stringValue {
                entries.append(Entry(session: session, line: number, input: input, output: record["output"]?.stringValue))
            } else {
                unreadable += 1
            }
        }
        return (entries, sessions, unreadable)
    }

    private func failure(_ what: String) -> Unavailable {
        Unavailable(description: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
