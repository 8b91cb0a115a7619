#if canImport(MorphJSON)
import MorphJSON
#endif

/// A saved model: named float arrays (parameters, optimiser moments, running statistics)
/// and a JSON metadata blob (model kind, hyperparameters, training state).
///
/// On disk: the magic `MORPHCKPT`, a format version, the JSON header, a table of array
/// names and shapes, the Float32 data, and a SHA-256 of everything before it.
/// Written atomically; a foreign, truncated, altered or newer file is rejected with the reason.
public struct Checkpoint: Sendable, Equatable {
    /// The format version this code writes and reads.
    public static let formatVersion: UInt32 = 1
    /// The bytes every checkpoint starts with.
    public static let magic: [UInt8] = Array("MORPHCKPT".utf8)

    /// Free-form metadata: model kind, hyperparameters, training state.
    public var metadata: JSON
    /// The arrays, in the order they were added (names unique).
    public var arrays: [NamedArray]

    /// A checkpoint holding `arrays` and `metadata`.
    public init(metadata: JSON, arrays: [NamedArray]) {
        self.metadata = metadata
        self.arrays = arrays
    }

    /// The array called `name`, if present.
    public func array(named name: String) -> NumericArray? {
        arrays.first { $0.name == name }?.array
    }

    /// Reads and verifies the checkpoint at `path`.
    public init(contentsOf path: String) throws(DataFileError) {
        try self.init(decoding: readFileBytes(path), name: path)
    }

    /// Writes the checkpoint to `path` atomically (temporary file, fsync, rename).
    public func write(to path: String) throws(DataFileError) {
        try AtomicFile.write(encoded(name: path), to: path)
    }
}

extension Checkpoint {
    /// The checkpoint's bytes; `name` is used in errors (duplicate or malformed arrays).
    public func encoded(name: String = "checkpoint") throws(DataFileError) -> [UInt8] {
        var bytes = Self.magic
        bytes.appendLittleEndian(Self.formatVersion)
        let header = metadata.serializedBytes()
        bytes.appendLittleEndian(UInt64(header.count))
        bytes.append(contentsOf: header)
        guard arrays.count <= Int(UInt32.max) else { throw DataFileError(path: name, reason: "too many arrays") }
        bytes.appendLittleEndian(UInt32(arrays.count))
        var seen = Set<String>()
        var total = 0
        for item in arrays {
            let nameBytes = Array(item.name.utf8)
            guard seen.insert(item.name).inserted else {
                throw DataFileError(path: name, reason: "array name '\(item.name)' is used twice")
            }
            guard !nameBytes.isEmpty, nameBytes.count <= Int(UInt16.max) else {
                throw DataFileError(path: name, reason: "array names must have 1 to 65535 bytes")
            }
            guard item.array.isWellFormed, item.array.shape.count <= Int(UInt8.max) else {
                throw DataFileError(path: name, reason: "array '\(item.name)' has shape \(item.array.shape) but \(item.array.scalars.count) scalars")
            }
            bytes.appendLittleEndian(UInt16(nameBytes.count))
            bytes.append(contentsOf: nameBytes)
            bytes.append(UInt8(item.array.shape.count))
            for dim in item.array.shape { bytes.appendLittleEndian(UInt64(dim)) }
            total += item.array.scalars.count
        }
        bytes.reserveCapacity(bytes.count + total * 4 + 32)
        for item in arrays {
            for scalar in item.array.scalars { bytes.appendLittleEndian(scalar.bitPattern) }
        }
        bytes.append(contentsOf: sha256(bytes[...]))
        return bytes
    }

    /// Parses and verifies checkpoint bytes; `name` (the file) is used in errors.
    public init(decoding bytes: [UInt8], name: String) throws(DataFileError) {
        func fail(_ reason: String) -> DataFileError { DataFileError(path: name, reason: reason) }
        let truncated = "truncated checkpoint (\(bytes.count) bytes); the file was not completely written or copied"
        let magic = Self.magic
        guard bytes.count >= magic.count, bytes.starts(with: magic) else {
            if !bytes.isEmpty, bytes.count < magic.count, magic.starts(with: bytes) { throw fail(truncated) }
            throw fail("not a Morph checkpoint (it does not start with MORPHCKPT)")
        }
        var cursor = ByteCursor(bytes, offset: magic.count)
        guard let version = cursor.readUInt(width: 4) else { throw fail(truncated) }
        guard version == UInt64(Self.formatVersion) else {
            throw fail("checkpoint format version \(version) is not supported (this Morph reads version \(Self.formatVersion))\(version > UInt64(Self.formatVersion) ? "; it was written by a newer Morph" : "")")
        }
        guard let headerLength = cursor.readUInt(width: 8) else { throw fail(truncated) }
        guard headerLength <= UInt64(cursor.remaining), let headerBytes = cursor.readBytes(Int(headerLength)) else {
            throw fail(truncated)
        }
        guard let count = cursor.readUInt(width: 4) else { throw fail(truncated) }
        guard count <= UInt64(cursor.remaining / 3) else { throw fail(truncated) }
        var table: [(name: String, shape: [Int], count: Int)] = []
        var dataBytes = 0
        for _ in 0..<Int(count) {
            guard let nameLength = cursor.readUInt(width: 2), let nameBytes = cursor.readBytes(Int(nameLength)),
                  let rank = cursor.readUInt(width: 1) else { throw fail(truncated) }
            guard let arrayName = String(validating: nameBytes, as: UTF8.self), !arrayName.isEmpty else {
                throw fail("array table is damaged (an array name is not valid UTF-8)")
            }
            var shape: [Int] = []
            for _ in 0..<Int(rank) {
                guard let dim = cursor.readUInt(width: 8) else { throw fail(truncated) }
                guard dim <= UInt64(Int.max) else { throw fail("array '\(arrayName)' claims dimension \(dim), more than any file can hold") }
                shape.append(Int(dim))
            }
            guard let elements = checkedProduct(shape, limit: bytes.count / 4) else {
                throw fail("array '\(arrayName)' claims shape \(shape), more than the file can hold")
            }
            dataBytes += elements * 4
            guard dataBytes <= bytes.count else { throw fail("array table claims more data than the file holds") }
            table.append((arrayName, shape, elements))
        }
        let expected = cursor.offset + dataBytes + 32
        guard bytes.count >= expected else {
            throw fail("truncated checkpoint: \(bytes.count) bytes, the table says \(expected)")
        }
        guard bytes.count == expected else {
            throw fail("\(bytes.count - expected) unexpected bytes at the end of the checkpoint")
        }
        let digest = sha256(bytes[..<(expected - 32)])
        guard bytes[(expected - 32)...].elementsEqual(digest) else {
            throw fail("checksum mismatch: the checkpoint is corrupt (altered after it was written)")
        }
        let metadata: JSON
        do {
            metadata = try JSON.parse(utf8: headerBytes)
        } catch {
            throw fail("metadata is not valid JSON: \(error)")
        }
        var arrays: [NamedArray] = []
        var seen = Set<String>()
        var offset = cursor.offset
        for entry in table {
            guard seen.insert(entry.name).inserted else { throw fail("array '\(entry.name)' appears twice") }
            let start = offset
            let scalars = [Float](unsafeUninitializedCapacity: entry.count) { out, initialized in
                bytes.withUnsafeBytes { raw in
                    for i in 0..<entry.count {
                        out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + i * 4, as: UInt32.self)))
                    }
                }
                initialized = entry.count
            }
            offset += entry.count * 4
            arrays.append(NamedArray(name: entry.name, array: NumericArray(shape: entry.shape, scalars: scalars)))
        }
        self.init(metadata: metadata, arrays: arrays)
    }
}
