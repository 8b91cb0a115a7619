import Testing
import MorphEngine

/// Builds a .npy file by hand, so the reader is tested against bytes it did not write.
private func npyBytes(descr: String, shape: String, fortran: Bool = false, payload: [UInt8],
                      major: UInt8 = 1, header: String? = nil) -> [UInt8] {
    var text = header ?? "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
    text += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
    let length = text.utf8.count
    if major == 1 {
        bytes += [UInt8(length & 0xff), UInt8(length >> 8)]
    } else {
        bytes += [UInt8(length & 0xff), UInt8((length >> 8) & 0xff), 0, 0]
    }
    return bytes + Array(text.utf8) + payload
}

private func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}

@Suite("NumPy .npy and .npz")
struct IONumPyTests {
    @Test func float32RoundTripsThroughAFile() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let array = NumericArray(shape: [2, 3], scalars: [1, -2.5, 3, .pi, 0, 1e-30])
        try NumPy.write(array, to: dir.file("a.npy"))
        #expect(try NumPy.readArray(from: dir.file("a.npy")) == array)
        let bytes = try readFileBytes(dir.file("a.npy"))
        #expect((bytes.count - 6 * 4) % 64 == 0, "header padded to 64 bytes like NumPy's")
    }

    @Test func scalarAndVectorShapes() throws {
        for array in [NumericArray(shape: [], scalars: [7]), NumericArray(shape: [4], scalars: [1, 2, 3, 4]),
                      NumericArray(shape: [0, 5], scalars: [])] {
            #expect(try NumPy.decodeArray(NumPy.encodeArray(array), name: "x") == array)
        }
    }

    @Test func otherElementTypesAreConverted() throws {
        let f8 = npyBytes(descr: "<f8", shape: "(2,)", payload: littleEndian([Double(1.5).bitPattern, Double(-2.0).bitPattern]))
        #expect(try NumPy.decodeArray(f8, name: "f8").scalars == [1.5, -2])
        let i8 = npyBytes(descr: "<i8", shape: "(3,)", payload: littleEndian([Int64(-3), 0, 1 << 20]))
        #expect(try NumPy.decodeArray(i8, name: "i8").scalars == [-3, 0, 1048576])
        let u1 = npyBytes(descr: "|u1", shape: "(1, 2)", payload: [0, 255])
        let decoded = try NumPy.decodeArray(u1, name: "u1")
        #expect(decoded.shape == [1, 2] && decoded.scalars == [0, 255])
        let v2 = npyBytes(descr: "<f4", shape: "(1,)", payload: littleEndian([Float(2).bitPattern]), major: 2)
        #expect(try NumPy.decodeArray(v2, name: "v2").scalars == [2])
    }

    @Test func fortranOrderAndBigEndianAreRejectedClearly() {
        let fortran = npyBytes(descr: "<f4", shape: "(1,)", fortran: true, payload: [0, 0, 0, 0])
        let error = dataFileError { _ = try NumPy.decodeArray(fortran, name: "f.npy") }
        #expect(error?.path == "f.npy")
        #expect(error?.reason.contains("Fortran order") == true)
        let big = npyBytes(descr: ">f4", shape: "(1,)", payload: [0, 0, 0, 0])
        #expect(dataFileError { _ = try NumPy.decodeArray(big, name: "b.npy") }?.reason.contains("big-endian") == true)
        let complex = npyBytes(descr: "<c8", shape: "(1,)", payload: Array(repeating: 0, count: 8))
        #expect(dataFileError { _ = try NumPy.decodeArray(complex, name: "c.npy") }?.reason.contains("'<c8'") == true)
    }

    @Test func malformedHeadersAreRejected() {
        let cases: [(String, [UInt8])] = [
            ("magic", Array("NUMPY not really".utf8)),
            ("version", [0x93] + Array("NUMPY".utf8) + [4, 0, 0, 0]),
            ("short header", [0x93] + Array("NUMPY".utf8) + [1, 0, 200, 0] + Array("{'descr'".utf8)),
            ("missing key", npyBytes(descr: "", shape: "", payload: [], header: "{'descr': '<f4', 'shape': (1,), }")),
            ("extra key", npyBytes(descr: "", shape: "", payload: [0, 0, 0, 0],
                                   header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}")),
            ("negative dim", npyBytes(descr: "<f4", shape: "(-1,)", payload: [])),
            ("huge dim", npyBytes(descr: "<f4", shape: "(99999999999999999999,)", payload: [])),
            ("overflowing shape", npyBytes(descr: "<f4", shape: "(4294967296, 4294967296)", payload: [])),
            ("truncated data", npyBytes(descr: "<f4", shape: "(2, 2)", payload: [0, 0, 0, 0])),
            ("trailing data", npyBytes(descr: "<f4", shape: "(1,)", payload: Array(repeating: 0, count: 8))),
            ("empty", []),
        ]
        for (label, bytes) in cases {
            let error = dataFileError { _ = try NumPy.decodeArray(bytes, name: "bad.npy") }
            #expect(error?.path == "bad.npy", "\(label) should be rejected naming the file")
        }
        let truncated = npyBytes(descr: "<f4", shape: "(2, 2)", payload: [0, 0, 0, 0])
        #expect(dataFileError { _ = try NumPy.decodeArray(truncated, name: "t") }?.reason.contains("truncated") == true)
    }

    @Test func archiveRoundTripKeepsOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let arrays = [
            NamedArray(name: "zeta.weight", array: NumericArray(shape: [2, 2], scalars: [1, 2, 3, 4])),
            NamedArray(name: "alpha.bias", array: NumericArray(shape: [2], scalars: [-1, 1])),
        ]
        try NumPy.writeArchive(arrays, to: dir.file("s.npz"))
        #expect(try NumPy.readArchive(from: dir.file("s.npz")) == arrays)
        #expect(dir.listing() == ["s.npz"], "no temporary file left")
    }

    @Test func archiveCorruptionIsDetected() throws {
        let arrays = [NamedArray(name: "w", array: NumericArray(shape: [8], scalars: Array(repeating: 0.5, count: 8)))]
        let good = try NumPy.encodeArchive(arrays)
        // Flip one byte of the array data: the CRC must catch it.
        var flipped = good
        flipped[good.count - 22 - 46 - 5 - 3] ^= 0x40
        let crcError = dataFileError { _ = try NumPy.decodeArchive(flipped, name: "m.npz") }
        #expect(crcError?.reason.contains("CRC") == true)
        #expect(crcError?.path == "m.npz[w.npy]")
        // Cut the file short: no end record any more.
        let cut = Array(good.prefix(good.count - 30))
        #expect(dataFileError { _ = try NumPy.decodeArchive(cut, name: "m.npz") }?.reason.contains("truncated") == true)
        #expect(dataFileError { _ = try NumPy.decodeArchive(Array("hello world, not a zip file".utf8), name: "m.npz") }?.reason == "not a zip/.npz archive")
        #expect(dataFileError { _ = try NumPy.readArchive(from: "/nonexistent/dir/x.npz") }?.reason == "no such file")
    }

    @Test func deflatedArchiveWrittenByPythonIsRead() throws {
        // A zip made with Python's zipfile (ZIP_DEFLATED) holding one .npy of [0, 1, 2, 3] float32, shape (2, 2).
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let npy = try NumPy.encodeArray(NumericArray(shape: [2, 2], scalars: [0, 1, 2, 3]))
        testWriteFile(npy, to: dir.file("m.npy"))
        let script = "import zipfile,sys; z=zipfile.ZipFile(sys.argv[2],'w',zipfile.ZIP_DEFLATED); z.write(sys.argv[1],'m.npy'); z.close()"
        guard runProcess(["python3", "-c", script, dir.file("m.npy"), dir.file("d.npz")]) == 0 else {
            Issue.record("python3 could not write a deflated zip")
            return
        }
        let arrays = try NumPy.readArchive(from: dir.file("d.npz"))
        #expect(arrays == [NamedArray(name: "m", array: NumericArray(shape: [2, 2], scalars: [0, 1, 2, 3]))])
    }

    @Test func numpyReadsWhatWeWrite() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let arrays = [NamedArray(name: "w", array: NumericArray(shape: [2, 3], scalars: [1, 2, 3, 4, 5, -6.25])),
                      NamedArray(name: "s", array: NumericArray(shape: [], scalars: [9]))]
        try NumPy.writeArchive(arrays, to: dir.file("x.npz"))
        let script = """
            import numpy as np, sys
            d = np.load(sys.argv[1])
            assert list(d.keys()) == ['w', 's'], list(d.keys())
            assert d['w'].dtype == np.float32 and d['w'].shape == (2, 3)
            assert d['w'].tolist() == [[1, 2, 3], [4, 5, -6.25]]
            assert d['s'].shape == () and float(d['s']) == 9
            """
        let status = runProcess(["python3", "-c", script, dir.file("x.npz")])
        if status == -1 { print("skipped: python3 not runnable"); return }
        #expect(status == 0, "numpy.load rejected or misread our .npz")
    }

    @Test func pytorchFixtureIsRead() throws {
        let path = repositoryFixture("pytorch-autoencoder/autoencoder-fashion-e10.npz")
        let arrays = try NumPy.readArchive(from: path)
        #expect(arrays.map(\.name) == ["enc.0.weight", "enc.0.bias", "dec.0.weight", "dec.0.bias"])
        #expect(arrays.map(\.array.shape) == [[16, 784], [16], [784, 16], [784]])
        #expect(arrays.allSatisfy { $0.array.isWellFormed && $0.array.scalars.allSatisfy(\.isFinite) })
        #expect(arrays[0].array.scalars.contains { $0 != 0 })
    }
}
