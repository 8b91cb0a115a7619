import Testing
import MorphEngine
import MorphJSON

@Suite("Checkpoint files")
struct CheckpointTests {
    let checkpoint = Checkpoint(
        metadata: ["model": "AutoEncoder", "latent": 16, "epoch": 3, "learningRate": 0.001, "history": [1.5, 1.25]],
        arrays: [
            NamedArray(name: "enc.0.weight", array: NumericArray(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])),
            NamedArray(name: "adam.m.enc.0.weight", array: NumericArray(shape: [2, 3], scalars: [0, -0, .infinity, -1e-38, 7, .nan])),
            NamedArray(name: "bn.running_mean", array: NumericArray(shape: [0], scalars: [])),
            NamedArray(name: "step", array: NumericArray(shape: [], scalars: [42])),
        ])

    @Test func roundTripsThroughAFile() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try checkpoint.write(to: dir.file("m.morph"))
        let loaded = try Checkpoint(contentsOf: dir.file("m.morph"))
        #expect(loaded.metadata == checkpoint.metadata)
        #expect(loaded.arrays.map(\.name) == checkpoint.arrays.map(\.name))
        // Compare bit patterns: NaN is kept exactly.
        for (a, b) in zip(loaded.arrays, checkpoint.arrays) {
            #expect(a.array.shape == b.array.shape)
            #expect(a.array.scalars.map(\.bitPattern) == b.array.scalars.map(\.bitPattern))
        }
        #expect(loaded.array(named: "step")?.scalars == [42])
        #expect(dir.listing() == ["m.morph"])
    }

    @Test func everyTruncationIsRejectedAsTruncated() throws {
        let bytes = try checkpoint.encoded()
        for length in 1..<bytes.count {
            let error = dataFileError { _ = try Checkpoint(decoding: Array(bytes.prefix(length)), name: "c.ckpt") }
            #expect(error?.reason.contains("truncated") == true, "length \(length): \(error?.reason ?? "accepted")")
        }
        #expect(dataFileError { _ = try Checkpoint(decoding: [], name: "c.ckpt") }?.reason.contains("not a Morph checkpoint") == true)
    }

    @Test func everySingleBitFlipIsRejected() throws {
        let bytes = try checkpoint.encoded()
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x10
            let error = dataFileError { _ = try Checkpoint(decoding: damaged, name: "c.ckpt") }
            #expect(error != nil, "flip at byte \(index) was accepted")
        }
        var dataFlip = bytes
        dataFlip[bytes.count - 40] ^= 1
        #expect(dataFileError { _ = try Checkpoint(decoding: dataFlip, name: "c.ckpt") }?.reason.contains("checksum mismatch") == true)
    }

    @Test func foreignAndNewerFilesAreRejectedWithTheReason() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let npz = dir.file("weights.npz")
        try NumPy.writeArchive(checkpoint.arrays.prefix(1).map { $0 }, to: npz)
        let foreign = dataFileError { _ = try Checkpoint(contentsOf: npz) }
        #expect(foreign?.path == npz)
        #expect(foreign?.reason.contains("not a Morph checkpoint") == true)

        var newer = try checkpoint.encoded()
        newer[9] = 2
        let version = dataFileError { _ = try Checkpoint(decoding: newer, name: "n.ckpt") }
        #expect(version?.reason.contains("version 2 is not supported") == true)
        #expect(version?.reason.contains("newer Morph") == true)

        let trailing = try checkpoint.encoded() + [0]
        #expect(dataFileError { _ = try Checkpoint(decoding: trailing, name: "t") }?.reason.contains("unexpected bytes") == true)
        #expect(dataFileError { _ = try Checkpoint(contentsOf: dir.file("absent.ckpt")) }?.reason == "no such file")
    }

    @Test func emptyArraysWithWideExtentsRoundTrip() throws {
        // Zero elements, whatever the other extents: the file holds no data for them, and they
        // must read back even when an extent exceeds the file's size.
        let shapes = [[0, 1000], [1000, 0], [3, 0, 1 << 40], [Int.max, 0, 1]]
        let wide = Checkpoint(metadata: [:], arrays: shapes.enumerated().map {
            NamedArray(name: "e\($0.offset)", array: NumericArray(shape: $0.element, scalars: []))
        })
        let bytes = try wide.encoded()
        #expect(bytes.count < 1000)
        #expect(try Checkpoint(decoding: bytes, name: "wide.ckpt") == wide)
        // Nonzero extents whose product overflows are refused on both sides, in any order.
        for shape in [[Int.max, 2, 0], [0, 1 << 32, 1 << 32]] {
            let overflowing = Checkpoint(metadata: [:], arrays: [NamedArray(name: "o", array: NumericArray(shape: shape, scalars: []))])
            #expect(dataFileError { _ = try overflowing.encoded() } != nil)
        }
        // A file whose table claims such a shape is refused with the reason (the table is read
        // before the checksum, so patching one extent is enough).
        let sentinel = 0x0102_0304_0506
        var patched = try Checkpoint(metadata: [:], arrays: [
            NamedArray(name: "o", array: NumericArray(shape: [0, 1 << 20, sentinel], scalars: [])),
        ]).encoded()
        let sentinelBytes = (0..<8).map { UInt8(truncatingIfNeeded: sentinel >> (8 * $0)) }
        let at = try #require((0...(patched.count - 8)).first { Array(patched[$0..<($0 + 8)]) == sentinelBytes })
        patched[at + 7] = 1  // 2^20 · (2^56 + sentinel): the nonzero extents overflow
        let refused = dataFileError { _ = try Checkpoint(decoding: patched, name: "o.ckpt") }
        #expect(refused?.reason.contains("more than the file can hold") == true)
    }

    @Test func invalidContentsAreRefusedOnWrite() {
        let duplicate = Checkpoint(metadata: [:], arrays: [
            NamedArray(name: "a", array: NumericArray(shape: [1], scalars: [1])),
            NamedArray(name: "a", array: NumericArray(shape: [1], scalars: [2])),
        ])
        #expect(dataFileError { _ = try duplicate.encoded() }?.reason.contains("used twice") == true)
        let misshapen = Checkpoint(metadata: [:], arrays: [NamedArray(name: "a", array: NumericArray(shape: [2, 2], scalars: [1]))])
        #expect(dataFileError { _ = try misshapen.encoded() } != nil)
    }

    @Test func failedSaveLeavesNoFile() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        testWriteFile([0], to: dir.file("file"))
        let error = dataFileError { try checkpoint.write(to: dir.file("file/model.morph")) }
        #expect(error?.reason.contains("nothing was written") == true)
        #expect(dir.listing() == ["file"])
    }
}
