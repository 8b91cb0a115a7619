/// An unsigned-byte IDX array (the MNIST file format): its dimensions and raw values.
public struct IDXArray: Sendable, Equatable {
    /// The dimensions from the header, e.g. `[60000, 28, 28]` for images, `[60000]` for labels.
    public var shape: [Int]
    /// The values in row-major order.
    public var values: [UInt8]

    /// An IDX array (the caller keeps `values.count` equal to the product of `shape`).
    public init(shape: [Int], values: [UInt8]) {
        self.shape = shape
        self.values = values
    }
}

/// Reading and writing IDX files (`…-idx3-ubyte`, `…-idx1-ubyte`), plain or gzip-compressed.
///
/// Only the unsigned-byte element type (0x08) is supported, which is what MNIST and
/// Fashion-MNIST use. A truncated, oversized or foreign file is an error naming it.
public enum IDX {
    /// The largest decompressed file the reader accepts (MNIST's training images are 47 MB).
    public static let maximumDecompressedBytes = 1 << 30

    /// Reads an IDX file; gzip compression is detected from the content, not the name.
    public static func read(from path: String) throws(DataFileError) -> IDXArray {
        try decode(readFileBytes(path, limit: maximumDecompressedBytes), name: path)
    }

    /// Parses IDX bytes (gzip-compressed or not); `name` is used in errors.
    public static func decode(_ bytes: [UInt8], name: String) throws(DataFileError) -> IDXArray {
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b {
            // The gzip trailer holds the size mod 2^32: a hint for the first allocation only.
            var hint = 0
            if bytes.count >= 18 {
                var trailer = ByteCursor(bytes, offset: bytes.count - 4)
                hint = Int(trailer.readUInt(width: 4) ?? 0)
            }
            // First the header alone, then exactly as much as it claims (plus one byte to
            // notice trailing data), so an unchecked claim never sizes an allocation.
            func gzipError(_ failure: InflateFailure) -> DataFileError {
                if failure.reason.hasPrefix("decompresses to more than") {
                    return DataFileError(path: name, reason: "gzip: decompresses to more data than the IDX header claims (\(failure.reason))")
                }
                return DataFileError(path: name, reason: "gzip: \(failure.reason)")
            }
            let head: [UInt8]
            let claim: Int?
            do {
                head = try inflateBytes(bytes[...], framing: .gzip, sizeHint: 1024, limit: 1024, prefixOnly: true)
                claim = try claimedSize(ofPlain: head)
            } catch {
                throw gzipError(error)
            }
            // Not an IDX header (foreign or truncated): the plain decoder says which.
            guard let claimed = claim else { return try decodePlain(head, name: name) }
            let plain: [UInt8]
            do {
                plain = try inflateBytes(bytes[...], framing: .gzip, sizeHint: min(hint, claimed + 1), limit: claimed + 1)
            } catch {
                throw gzipError(error)
            }
            return try decodePlain(plain, name: name)
        }
        return try decodePlain(bytes, name: name)
    }

    /// Serialises an unsigned-byte IDX array, gzip-compressed when `compressed` is true.
    public static func encode(_ array: IDXArray, compressed: Bool) throws(DataFileError) -> [UInt8] {
        guard (1...255).contains(array.shape.count), checkedProduct(array.shape) == array.values.count,
              array.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw DataFileError(path: "IDX array", reason: "shape \(array.shape) does not describe \(array.values.count) values")
        }
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(array.shape.count)]
        for dim in array.shape { bytes.appendLittleEndian(UInt32(dim).byteSwapped) }
        bytes.append(contentsOf: array.values)
        guard compressed else { return bytes }
        guard let gzipped = gzipBytes(bytes) else {
            throw DataFileError(path: "IDX array", reason: "gzip compression failed")
        }
        return gzipped
    }

    /// Writes an IDX file atomically, gzip-compressed when `compressed` is true.
    public static func write(_ array: IDXArray, to path: String, compressed: Bool) throws(DataFileError) {
        do {
            try AtomicFile.write(try encode(array, compressed: compressed), to: path)
        } catch {
            throw DataFileError(path: path, reason: error.reason)
        }
    }

    /// The total size (header and data) the IDX header at the start of `head` claims, nil when there is no complete header.
    private static func claimedSize(ofPlain head: [UInt8]) throws(InflateFailure) -> Int? {
        var cursor = ByteCursor(head)
        guard cursor.readUInt(width: 2) == 0, cursor.readUInt(width: 1) == 0x08, let rank = cursor.readUInt(width: 1),
              rank > 0 else { return nil }
        var dims: [Int] = []
        for _ in 0..<Int(rank) {
            guard let dim = cursor.readUInt(width: 4, bigEndian: true) else { return nil }
            dims.append(Int(dim))
        }
        guard let count = checkedProduct(dims, limit: maximumDecompressedBytes), count + cursor.offset <= maximumDecompressedBytes else {
            throw InflateFailure(reason: "the header claims shape \(dims), more than the \(maximumDecompressedBytes) bytes this reader accepts")
        }
        return cursor.offset + count
    }

    private static func decodePlain(_ bytes: [UInt8], name: String) throws(DataFileError) -> IDXArray {
        func fail(_ reason: String) -> DataFileError { DataFileError(path: name, reason: reason) }
        var cursor = ByteCursor(bytes)
        guard let zero = cursor.readUInt(width: 2), let type = cursor.readUInt(width: 1),
              let rank = cursor.readUInt(width: 1) else {
            throw fail("not an IDX file (only \(bytes.count) bytes)")
        }
        guard zero == 0 else { throw fail("not an IDX file (magic number \(hex(bytes.prefix(4))) does not start with two zero bytes)") }
        guard type == 0x08 else {
            throw fail("IDX element type 0x\(String(type, radix: 16)) is not supported (only unsigned bytes, 0x08)")
        }
        guard rank >= 1 else { throw fail("IDX file declares zero dimensions") }
        var shape: [Int] = []
        for axis in 0..<Int(rank) {
            guard let dim = cursor.readUInt(width: 4, bigEndian: true) else {
                throw fail("truncated IDX header: dimension \(axis + 1) of \(rank) is missing")
            }
            shape.append(Int(dim))
        }
        // The claim is checked against the bytes present before anything is allocated from it.
        guard let count = checkedProduct(shape, limit: Int(Int32.max)), count <= cursor.remaining else {
            let claim = checkedProduct(shape).map { "\($0) bytes" } ?? "more bytes than any file holds"
            throw fail("truncated: the header claims shape \(shape) (\(claim)), the file holds \(cursor.remaining) data bytes")
        }
        guard count == cursor.remaining else {
            throw fail("\(cursor.remaining - count) unexpected bytes after the data of shape \(shape)")
        }
        return IDXArray(shape: shape, values: Array(bytes[cursor.offset...]))
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
