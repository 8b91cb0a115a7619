import Glibc
import Testing
import MorphEngine

/// `python3 -m http.server` on 127.0.0.1 and a free port, serving `directory`.
private final class LoopbackServer {
    let child: ChildProcess
    let baseURL: String

    init?(serving directory: String) {
        guard let child = ChildProcess(["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                                        "--directory", directory], captureOutput: true) else { return nil }
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let words = child.readLine()?.split(separator: " ") ?? []
        guard let index = words.firstIndex(of: "port"), index + 1 < words.count, let port = Int(words[index + 1]) else {
            child.terminate()
            return nil
        }
        self.child = child
        baseURL = "http://127.0.0.1:\(port)/"
    }

    func stop() { child.terminate() }
}

@Suite("MNIST download", .serialized)
struct DataDownloadTests {
    @Test func downloadsFromALoopbackServerAndVerifiesChecksums() throws {
        let served = TemporaryDirectory()
        let target = TemporaryDirectory()
        defer { served.remove(); target.remove() }
        try writeIDXSet(in: served.path, train: 12, test: 5)
        guard runProcess(["sh", "-c", "cd '\(served.path)' && md5sum *.gz > '\(served.file("sums.md5"))'"]) == 0,
              let server = LoopbackServer(serving: served.path) else {
            Issue.record("could not start python3 -m http.server or md5sum")
            return
        }
        defer { server.stop() }

        // Checksums from a file, as MORPH_MNIST_CHECKSUMS names it; the directory is created.
        let directory = target.file("mnist/raw")
        let environment = ["MORPH_DATA": directory, "MORPH_MNIST_URL": server.baseURL,
                           "MORPH_MNIST_CHECKSUMS": served.file("sums.md5")]
        let data = try Dataset.mnist(classes: [1, 3], environment: environment)
        #expect(data.train.labels == [1, 3, 1])
        #expect(data.test.labels == [1, 3])
        #expect(data.train.images.shape == [3, 1, 28, 28])
        #expect(TemporaryDirectory(existing: directory).listing() == Dataset.idxFileNames.map { $0 + ".gz" }.sorted())

        // A second load reads what is there; with the server gone it must not need it.
        server.stop()
        #expect(try Dataset.mnist(directory: directory, environment: [:]).train.count == 12)
    }

    @Test func checksumMismatchLeavesNothingBehind() throws {
        let served = TemporaryDirectory()
        let target = TemporaryDirectory()
        defer { served.remove(); target.remove() }
        try writeIDXSet(in: served.path, train: 3, test: 2)
        guard let server = LoopbackServer(serving: served.path) else {
            Issue.record("could not start python3 -m http.server")
            return
        }
        defer { server.stop() }
        // The published checksums belong to the real MNIST, not to these generated files.
        let download = MNISTDownload(baseURL: server.baseURL)
        let error = #expect(throws: DatasetError.self) { try Dataset.mnist(directory: target.path, download: download) }
        #expect(error?.message.contains("Checksum mismatch") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("Place train-images-idx3-ubyte.gz") == true)
        #expect(target.listing() == [], "no partial or temporary download remains")

        // Without verification the same files load (the IDX reader still checks them).
        let unverified = MNISTDownload(baseURL: server.baseURL, checksums: nil)
        #expect(try Dataset.mnist(directory: target.path, download: unverified).test.count == 2)
    }

    @Test func unreachableServerAndMissingFilesAreReported() throws {
        let served = TemporaryDirectory()
        let target = TemporaryDirectory()
        defer { served.remove(); target.remove() }
        // Only the label files are served: the images give HTTP 404.
        try writeIDXSet(in: served.path, train: 2, test: 2)
        unlink(served.file("train-images-idx3-ubyte.gz"))
        guard let server = LoopbackServer(serving: served.path) else {
            Issue.record("could not start python3 -m http.server")
            return
        }
        let missing = #expect(throws: DatasetError.self) {
            try Dataset.mnist(directory: target.path, download: MNISTDownload(baseURL: server.baseURL, checksums: nil))
        }
        #expect(missing?.message.contains("404") == true, "\(missing?.message ?? "")")
        #expect(missing?.message.contains("missing in \(target.path): train-images-idx3-ubyte.gz.") == true)
        let port = server.baseURL
        server.stop()
        let refused = #expect(throws: DatasetError.self) {
            try Dataset.mnist(directory: target.path, download: MNISTDownload(baseURL: port, checksums: nil))
        }
        #expect(refused?.message.contains("curl: (7)") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.ranges(of: "Downloading").count == 1, "one connection failure is enough")
        #expect(target.listing().allSatisfy { !$0.hasPrefix(".") }, "no temporary files")
    }

    @Test func environmentConfiguresTheDownload() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        #expect(try MNISTDownload.fromEnvironment([:]) == MNISTDownload())
        #expect(MNISTDownload().checksums?["t10k-labels-idx1-ubyte.gz"] == "ec29112dd5afa0611ce80d1b7f02629c")
        let none = try MNISTDownload.fromEnvironment(["MORPH_MNIST_URL": "http://127.0.0.1:9/x", "MORPH_MNIST_CHECKSUMS": "none"])
        #expect(none.baseURL == "http://127.0.0.1:9/x" && none.checksums == nil)
        #expect(none.url(of: "a.gz") == "http://127.0.0.1:9/x/a.gz")
        testWriteFile(Array("0123456789abcdef0123456789abcdef  train-images-idx3-ubyte.gz\n".utf8), to: dir.file("sums"))
        let file = try MNISTDownload.fromEnvironment(["MORPH_MNIST_CHECKSUMS": dir.file("sums")])
        #expect(file.checksums == ["train-images-idx3-ubyte.gz": "0123456789abcdef0123456789abcdef"])
        #expect(throws: DatasetError.self) { try MNISTDownload.fromEnvironment(["MORPH_MNIST_CHECKSUMS": dir.file("absent")]) }
    }
}
