/// `.npz` archives: a zip file whose members are `.npy` files.
extension NumPy {
    /// Parses the bytes of an `.npz` archive; `name` is used in errors.
    public static func decodeArchive(_ bytes: [UInt8], name: String) throws(DataFileError) -> [NamedArray] {
        let entries = try ZipArchive.entries(of: bytes, name: name)
        var result: [NamedArray] = []
        var seen = Set<String>()
        for entry in entries {
            let memberName = "\(name)[\(entry.name)]"
            let data = try ZipArchive.contents(of: entry, in: bytes, name: name)
            var key = entry.name
            if key.hasSuffix(".npy") { key.removeLast(4) }
            guard seen.insert(key).inserted else {
                throw DataFileError(path: name, reason: "the archive holds '\(key)' twice")
            }
            result.append(NamedArray(name: key, array: try decodeArray(data, name: memberName)))
        }
        return result
    }

    /// Serialises arrays as an `.npz` archive (members `NAME.npy`, stored uncompressed).
    public static func encodeArchive(_ arrays: [NamedArray], name: String = "archive.npz") throws(DataFileError) -> [UInt8] {
        var members: [(name: String, data: [UInt8])] = []
        var seen = Set<String>()
        for item in arrays {
            guard !item.name.isEmpty, seen.insert(item.name).inserted else {
                throw DataFileError(path: name, reason: "array names must be unique and non-empty ('\(item.name)')")
            }
            members.append((item.name + ".npy", try encodeArray(item.array, name: "\(name)[\(item.name)]")))
        }
        return try ZipArchive.storing(members, name: name)
    }
}

/// A minimal zip reader and (stored-only) writer, enough for `.npz`.
enum ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    private static let endSignature: UInt64 = 0x0605_4b50
    private static let zip64EndSignature: UInt64 = 0x0606_4b50
    private static let zip64LocatorSignature: UInt64 = 0x0706_4b50
    private static let centralSignature: UInt64 = 0x0201_4b50
    private static let localSignature: UInt64 = 0x0403_4b50

    /// The members listed in the central directory, in order.
    static func entries(of bytes: [UInt8], name: String) throws(DataFileError) -> [Entry] {
        func fail(_ reason: String) -> DataFileError { DataFileError(path: name, reason: reason) }
        guard bytes.count >= 22 else { throw fail("not a zip/.npz archive (too short: \(bytes.count) bytes)") }
        // The end-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes.
        var endOffset = -1
        let lowest = max(0, bytes.count - 22 - 65535)
        var candidate = bytes.count - 22
        while candidate >= lowest {
            if bytes[candidate] == 0x50, bytes[candidate + 1] == 0x4b, bytes[candidate + 2] == 5, bytes[candidate + 3] == 6 {
                endOffset = candidate
                break
            }
            candidate -= 1
        }
        guard endOffset >= 0 else {
            throw fail(bytes.starts(with: [0x50, 0x4b]) ? "zip archive is truncated (no end of central directory)"
                                                        : "not a zip/.npz archive")
        }
        var end = ByteCursor(bytes, offset: endOffset + 4)
        guard let disk = end.readUInt(width: 2), let cdDisk = end.readUInt(width: 2),
              end.readUInt(width: 2) != nil, var count = end.readUInt(width: 2),
              var cdSize = end.readUInt(width: 4), var cdOffset = end.readUInt(width: 4) else {
            throw fail("zip end record is truncated")
        }
        guard disk == 0, cdDisk == 0 else { throw fail("multi-part zip archives are not supported") }
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            var locator = ByteCursor(bytes, offset: endOffset - 20)
            guard endOffset >= 20, locator.readUInt(width: 4) == zip64LocatorSignature,
                  locator.readUInt(width: 4) != nil, let zip64Offset = locator.readUInt(width: 8),
                  zip64Offset < UInt64(bytes.count) else {
                throw fail("zip64 end record is missing or damaged")
            }
            var record = ByteCursor(bytes, offset: Int(zip64Offset))
            guard record.readUInt(width: 4) == zip64EndSignature, record.readBytes(20) != nil,
                  let count64 = record.readUInt(width: 8), record.readUInt(width: 8) != nil,
                  let size64 = record.readUInt(width: 8), let offset64 = record.readUInt(width: 8) else {
                throw fail("zip64 end record is damaged")
            }
            count = count64
            cdSize = size64
            cdOffset = offset64
        }
        guard cdOffset <= UInt64(bytes.count), cdSize <= UInt64(bytes.count) - cdOffset else {
            throw fail("zip central directory lies outside the file (truncated archive?)")
        }
        guard count <= cdSize / 46 else { throw fail("zip central directory claims \(count) entries in \(cdSize) bytes") }
        var cursor = ByteCursor(bytes, offset: Int(cdOffset))
        var entries: [Entry] = []
        for index in 0..<Int(count) {
            guard cursor.readUInt(width: 4) == centralSignature else {
                throw fail("zip central directory entry \(index) is damaged")
            }
            guard cursor.readBytes(4) != nil,
                  let flags = cursor.readUInt(width: 2), let method = cursor.readUInt(width: 2),
                  cursor.readBytes(4) != nil, let crc = cursor.readUInt(width: 4),
                  var compressed = cursor.readUInt(width: 4), var uncompressed = cursor.readUInt(width: 4),
                  let nameLength = cursor.readUInt(width: 2), let extraLength = cursor.readUInt(width: 2),
                  let commentLength = cursor.readUInt(width: 2), cursor.readBytes(8) != nil,
                  var localOffset = cursor.readUInt(width: 4),
                  let nameBytes = cursor.readBytes(Int(nameLength)),
                  let extra = cursor.readBytes(Int(extraLength)),
                  cursor.readBytes(Int(commentLength)) != nil else {
                throw fail("zip central directory entry \(index) is truncated")
            }
            // Zip64 extended information: present fields replace the 0xFFFFFFFF placeholders in order.
            var extraCursor = ByteCursor(Array(extra))
            while extraCursor.remaining >= 4 {
                guard let tag = extraCursor.readUInt(width: 2), let size = extraCursor.readUInt(width: 2),
                      let body = extraCursor.readBytes(Int(size)) else { break }
                guard tag == 1 else { continue }
                var field = ByteCursor(Array(body))
                if uncompressed == 0xFFFF_FFFF { uncompressed = field.readUInt(width: 8) ?? uncompressed }
                if compressed == 0xFFFF_FFFF { compressed = field.readUInt(width: 8) ?? compressed }
                if localOffset == 0xFFFF_FFFF { localOffset = field.readUInt(width: 8) ?? localOffset }
            }
            let limit = UInt64(bytes.count)
            guard compressed <= limit, localOffset <= limit, uncompressed <= UInt64(Int.max / 2) else {
                throw fail("zip entry \(index) claims sizes beyond the file (truncated archive?)")
            }
            entries.append(Entry(
                name: String(decoding: nameBytes, as: UTF8.self), method: UInt16(method), flags: UInt16(flags),
                crc: UInt32(crc), compressedSize: Int(compressed), uncompressedSize: Int(uncompressed),
                localHeaderOffset: Int(localOffset)))
        }
        return entries
    }

    /// The uncompressed bytes of one member, CRC-checked.
    static func contents(of entry: Entry, in bytes: [UInt8], name: String) throws(DataFileError) -> [UInt8] {
        func fail(_ reason: String) -> DataFileError { DataFileError(path: "\(name)[\(entry.name)]", reason: reason) }
        guard entry.flags & 1 == 0 else { throw fail("encrypted zip entries are not supported") }
        var local = ByteCursor(bytes, offset: entry.localHeaderOffset)
        guard local.readUInt(width: 4) == localSignature, local.readBytes(22) != nil,
              let nameLength = local.readUInt(width: 2), let extraLength = local.readUInt(width: 2),
              local.readBytes(Int(nameLength) + Int(extraLength)) != nil else {
            throw fail("zip local header is damaged")
        }
        guard entry.compressedSize <= local.remaining else {
            throw fail("truncated: entry needs \(entry.compressedSize) bytes, the file has \(local.remaining) left")
        }
        let start = local.offset
        let compressed = bytes[start..<(start + entry.compressedSize)]
        let data: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw fail("stored entry has different compressed and uncompressed sizes")
            }
            data = Array(compressed)
        case 8:
            if entry.uncompressedSize == 0 {
                data = []
            } else {
                do {
                    data = try inflateBytes(compressed, framing: .raw, sizeHint: entry.uncompressedSize,
                                            limit: entry.uncompressedSize)
                } catch {
                    throw fail(error.reason)
                }
            }
        default:
            throw fail("zip compression method \(entry.method) is not supported (stored and deflate are)")
        }
        guard data.count == entry.uncompressedSize else {
            throw fail("entry decompresses to \(data.count) bytes, the directory says \(entry.uncompressedSize)")
        }
        guard crc32Checksum(data[...]) == entry.crc else {
            throw fail("CRC-32 mismatch: the entry is corrupt")
        }
        return data
    }

    /// A zip archive holding `members` uncompressed.
    static func storing(_ members: [(name: String, data: [UInt8])], name: String) throws(DataFileError) -> [UInt8] {
        var output: [UInt8] = []
        var central: [UInt8] = []
        guard members.count < 0xFFFF else { throw DataFileError(path: name, reason: "too many arrays for a zip archive") }
        for member in members {
            let nameBytes = Array(member.name.utf8)
            guard member.data.count < 0xFFFF_FFFF, output.count < 0xFFFF_FFFF, nameBytes.count < 0xFFFF else {
                throw DataFileError(path: name, reason: "archive larger than 4 GiB is not supported")
            }
            let crc = crc32Checksum(member.data[...])
            let offset = UInt32(output.count)
            output.appendLittleEndian(UInt32(localSignature))
            appendCommonFields(to: &output, crc: crc, size: UInt32(member.data.count), nameLength: UInt16(nameBytes.count))
            output.append(contentsOf: nameBytes)
            output.append(contentsOf: member.data)

            central.appendLittleEndian(UInt32(centralSignature))
            central.appendLittleEndian(UInt16(20))  // version made by
            appendCommonFields(to: &central, crc: crc, size: UInt32(member.data.count), nameLength: UInt16(nameBytes.count))
            central.appendLittleEndian(UInt16(0))  // comment length
            central.appendLittleEndian(UInt16(0))  // disk
            central.appendLittleEndian(UInt16(0))  // internal attributes
            central.appendLittleEndian(UInt32(0o100644 << 16))  // external attributes: regular file
            central.appendLittleEndian(offset)
            central.append(contentsOf: nameBytes)
        }
        guard output.count + central.count < 0xFFFF_FFFF else {
            throw DataFileError(path: name, reason: "archive larger than 4 GiB is not supported")
        }
        let centralOffset = UInt32(output.count)
        output.append(contentsOf: central)
        output.appendLittleEndian(UInt32(endSignature))
        output.appendLittleEndian(UInt16(0))
        output.appendLittleEndian(UInt16(0))
        output.appendLittleEndian(UInt16(members.count))
        output.appendLittleEndian(UInt16(members.count))
        output.appendLittleEndian(UInt32(central.count))
        output.appendLittleEndian(centralOffset)
        output.appendLittleEndian(UInt16(0))
        return output
    }

    /// Version needed, flags, method, time, date, CRC, sizes, name length, extra length.
    private static func appendCommonFields(to bytes: inout [UInt8], crc: UInt32, size: UInt32, nameLength: UInt16) {
        bytes.appendLittleEndian(UInt16(20))
        bytes.appendLittleEndian(UInt16(0))
        bytes.appendLittleEndian(UInt16(0))
        bytes.appendLittleEndian(UInt16(0))  // 00:00:00
        bytes.appendLittleEndian(UInt16(0x21))  // 1980-01-01
        bytes.appendLittleEndian(crc)
        bytes.appendLittleEndian(size)
        bytes.appendLittleEndian(size)
        bytes.appendLittleEndian(nameLength)
        bytes.appendLittleEndian(UInt16(0))
    }
}
