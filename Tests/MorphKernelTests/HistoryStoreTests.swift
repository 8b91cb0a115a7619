#if canImport(Glibc)
import Glibc
#endif
import MorphJSON
import Testing

@testable import MorphKernel

/// The persistent history store and history replies across sessions, on real files.
@Suite struct HistoryStoreTests {
    /// A fresh directory for one test.
    static func temporaryDirectory() -> String {
        var template = Array("/tmp/morph-history-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return made.map { String(cString: $0) } ?? "/tmp"
    }

    static func writeFile(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    static func tail(_ history: inout History, _ n: Int = 10) -> [JSON] {
        history.reply(to: ["hist_access_type": "tail", "n": JSON(n), "output": false])["history"]?.arrayValue ?? []
    }

    @Test func aLaterSessionReadsTheEarlierOnes() throws {
        let directory = Self.temporaryDirectory()
        let store = HistoryStore(dataDirectory: directory)
        var first = History(store: store, report: { Issue.record("unexpected report: \($0)") })
        first.append(line: 1, input: "let a = 1", output: nil)
        first.append(line: 2, input: "a + 1", output: "2")
        #expect(try store.load().entries.isEmpty)  // written at save, after the reply
        first.save()
        var second = History(store: HistoryStore(dataDirectory: directory), report: { Issue.record("unexpected report: \($0)") })
        second.append(line: 1, input: "a * 3", output: "3")
        #expect(Self.tail(&second) == [[1, 1, "let a = 1"], [1, 2, "a + 1"], [2, 1, "a * 3"]])
        let previous = second.reply(to: ["hist_access_type": "range", "session": -1, "start": 2, "output": true])
        #expect(previous["history"] == [[1, 2, ["a + 1", "2"]]])
        let byNumber = second.reply(to: ["hist_access_type": "range", "session": 1, "start": 1, "stop": 2])
        #expect(byNumber["history"] == [[1, 1, "let a = 1"]])
        let current = second.reply(to: ["hist_access_type": "range", "session": 0, "start": 1])
        #expect(current["history"] == [[2, 1, "a * 3"]])
        let search = second.reply(to: ["hist_access_type": "search", "pattern": "a*"])
        #expect(search["history"] == [[1, 2, "a + 1"], [2, 1, "a * 3"]])
        let (entries, unreadable) = try store.load()
        #expect(entries.count == 3 && unreadable == 0)
    }

    @Test func unreadableLinesAreSkippedAndReportedOnce() throws {
        let directory = Self.temporaryDirectory()
        mkdir(directory + "/morph", 0o700)
        let path = directory + "/morph/history.jsonl"
        Self.writeFile("""
            {"session": 1, "started": "2026-12-01T00:00:00Z"}
            {"session": 1, "line": 1, "input": "good", "output": null}
            this is not json
            {"session": 1, "line": 2, "inp
            \u{0}\u{1}garbage
            {"session": "x", "line": 3, "input": "bad session"}
            {"session": 1, "line": 4, "input": "also good", "output": "4"}

            """, to: path)
        var reports: [String] = []
        var history = History(store: HistoryStore(path: path), report: { reports.append($0) })
        history.append(line: 1, input: "new", output: nil)
        #expect(Self.tail(&history) == [[1, 1, "good"], [1, 4, "also good"], [2, 1, "new"]])
        _ = Self.tail(&history)
        #expect(reports.count == 1)
        #expect(reports.first?.contains("4 unreadable") == true)
    }

    @Test func aLockedStoreFallsBackToMemoryAndSaysSoOnce() throws {
        let directory = Self.temporaryDirectory()
        let store = HistoryStore(path: directory + "/history.jsonl", lockWaitMilliseconds: 20)
        var earlier = History(store: store, report: { Issue.record("unexpected report: \($0)") })
        earlier.append(line: 1, input: "before the lock", output: nil)
        earlier.save()

        let holder = open(store.path, O_RDWR)
        #expect(flock(holder, LOCK_EX | LOCK_NB) == 0)
        defer { close(holder) }
        var reports: [String] = []
        var history = History(store: store, report: { reports.append($0) })
        history.append(line: 1, input: "while locked", output: nil)
        history.append(line: 2, input: "still locked", output: nil)
        #expect(Self.tail(&history) == [[1, 1, "while locked"], [1, 2, "still locked"]])
        #expect(reports.count == 1)
        #expect(reports.first?.contains("locked") == true)
    }

    @Test func aStoreThatIsADirectoryFallsBackToMemory() throws {
        let directory = Self.temporaryDirectory()
        mkdir(directory + "/morph", 0o700)
        mkdir(directory + "/morph/history.jsonl", 0o700)
        var reports: [String] = []
        var history = History(store: HistoryStore(dataDirectory: directory), report: { reports.append($0) })
        history.append(line: 1, input: "x", output: nil)
        #expect(Self.tail(&history) == [[1, 1, "x"]])
        #expect(reports.count == 1)
    }

    @Test func theStoreDirectoryIsCreated() throws {
        let directory = Self.temporaryDirectory() + "/a/b"
        let store = HistoryStore(dataDirectory: directory)
        #expect(try store.beginSession(startedAt: "t") == 1)
        #expect(try store.beginSession(startedAt: "t") == 2)
        try store.append(HistoryStore.Entry(session: 2, line: 1, input: "é \"quoted\"\nline", output: nil))
        #expect(try store.load().entries == [HistoryStore.Entry(session: 2, line: 1, input: "é \"quoted\"\nline", output: nil)])
    }
}
