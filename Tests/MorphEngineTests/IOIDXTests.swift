import Testing
import MorphEngine

/// Gzip-compresses bytes with the gzip tool (so the reader is tested against zlib's other side).
private func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    let dir = TemporaryDirectory()
    defer { dir.remove() }
    testWriteFile(bytes, to: dir.file("x"))
    guard runProcess(["gzip", dir.file("x")]) == 0 else { return [] }
    return (try? readFileBytes(dir.file("x.gz"))) ?? []
}

@Suite("IDX reader")
struct IOIDXTests {
    let images = IDXArray(shape: [3, 2, 2], values: (0..<12).map { UInt8($0 * 20) })
    let labels = IDXArray(shape: [3], values: [7, 0, 9])

    @Test func plainAndGzipRoundTrip() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try IDX.write(images, to: dir.file("images-idx3-ubyte"), compressed: false)
        try IDX.write(labels, to: dir.file("labels-idx1-ubyte.gz"), compressed: true)
        #expect(try IDX.read(from: dir.file("images-idx3-ubyte")) == images)
        #expect(try IDX.read(from: dir.file("labels-idx1-ubyte.gz")) == labels)
        let plain = try readFileBytes(dir.file("images-idx3-ubyte"))
        #expect(Array(plain.prefix(8)) == [0, 0, 8, 3, 0, 0, 0, 3], "magic 0x00000803 then big-endian dims")
    }

    @Test func gzipMadeByTheGzipToolIsRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        testWriteFile(try IDX.encode(images, compressed: false), to: dir.file("i-idx3-ubyte"))
        guard runProcess(["gzip", "-9", dir.file("i-idx3-ubyte")]) == 0 else {
            print("skipped: gzip not runnable")
            return
        }
        #expect(try IDX.read(from: dir.file("i-idx3-ubyte.gz")) == images)
    }

    @Test func concatenatedGzipMembersAreOneStream() throws {
        let whole = try IDX.encode(labels, compressed: false)
        // Split the plain file in two and gzip each half: `cat a.gz b.gz` is a valid gzip file.
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        testWriteFile(Array(whole.prefix(6)), to: dir.file("a"))
        testWriteFile(Array(whole.dropFirst(6)), to: dir.file("b"))
        guard runProcess(["gzip", dir.file("a")]) == 0, runProcess(["gzip", dir.file("b")]) == 0 else { return }
        let joined = try readFileBytes(dir.file("a.gz")) + readFileBytes(dir.file("b.gz"))
        #expect(try IDX.decode(joined, name: "joined.gz") == labels)
    }

    @Test func truncatedForeignAndOversizedFilesAreClearErrors() throws {
        let plain = try IDX.encode(images, compressed: false)
        let gz = try IDX.encode(images, compressed: true)
        let cases: [(label: String, bytes: [UInt8], says: String)] = [
            ("truncated data", Array(plain.dropLast(3)), "truncated"),
            ("truncated header", Array(plain.prefix(9)), "truncated IDX header"),
            ("trailing bytes", plain + [1, 2], "unexpected bytes"),
            ("foreign file", Array("%PDF-1.4 not an idx file".utf8), "not an IDX file"),
            ("float idx", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], "not supported"),
            ("tiny", [0, 0], "not an IDX file"),
            ("huge claim", [0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2], "truncated"),
            ("truncated gzip", Array(gz.prefix(gz.count / 2)), "truncated"),
            ("gzipped text", Array(gzipped(Array(repeating: 65, count: 5000))), "not an IDX file"),
            ("gzipped short header", Array(gzipped([0, 0, 8, 3, 0, 0])), "truncated IDX header"),
            ("corrupt gzip", Array(gz.prefix(10)) + Array(repeating: 0xAB, count: 40), "gzip"),
        ]
        for item in cases {
            let error = dataFileError { _ = try IDX.decode(item.bytes, name: "/data/x-idx3-ubyte") }
            #expect(error?.path == "/data/x-idx3-ubyte", "\(item.label): error must name the file")
            #expect(error?.reason.contains(item.says) == true, "\(item.label): \(error?.reason ?? "no error")")
        }
        #expect(dataFileError { _ = try IDX.read(from: "/nonexistent/t10k-images-idx3-ubyte.gz") }?.reason == "no such file")
    }

    @Test func gzipBombsAreRefusedWithoutAllocatingTheClaim() throws {
        // 16 MB of zeros behind a header: once claiming 1.6 GB, once claiming 1000 bytes.
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let script = "import gzip,sys\nfor name,dim in ((sys.argv[1],0x60000000),(sys.argv[2],1000)):\n with gzip.open(name,'wb',9) as f:\n  f.write(bytes([0,0,8,1])+dim.to_bytes(4,'big'))\n  f.write(bytes(1<<24))\n"
        guard runProcess(["python3", "-c", script, dir.file("huge.gz"), dir.file("long.gz")]) == 0 else { return }
        let huge = dataFileError { _ = try IDX.read(from: dir.file("huge.gz")) }
        #expect(huge?.reason.contains("more than the") == true, "\(huge?.description ?? "no error")")
        let long = dataFileError { _ = try IDX.read(from: dir.file("long.gz")) }
        #expect(long?.reason.contains("more than 1009 bytes") == true, "\(long?.description ?? "no error")")
    }

    @Test func fashionMNISTFromDebianIsRead() throws {
        let path = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
        guard let bytes = try? readFileBytes(path), !bytes.isEmpty else {
            print("skipped: \(path) is absent (apt-get install dataset-fashion-mnist)")
            return
        }
        let labels = try IDX.read(from: path)
        #expect(labels.shape == [10000])
        #expect(Set(labels.values) == Set(0...9))
    }
}
