import CZlib

/// Why a zlib stream could not be decompressed (the caller adds the file name).
struct InflateFailure: Error {
    var reason: String
}

/// The zlib window-bits values for the two framings the readers use.
enum DeflateFraming {
    /// Raw deflate, no header or trailer (zip entries).
    case raw
    /// gzip header and trailer, CRC checked by zlib (`.gz` files); several members are concatenated.
    case gzip

    var windowBits: Int32 { self == .raw ? -MAX_WBITS : 16 + MAX_WBITS }
}

/// Decompresses `input`, growing the output as it streams, never beyond `limit` bytes.
///
/// `sizeHint` (which may come from an untrusted header) only sets the first allocation,
/// and is itself clamped to what deflate can produce from this much input (1032:1).
/// With `prefixOnly`, reaching `limit` ends decompression early instead of failing.
func inflateBytes(
    _ input: ArraySlice<UInt8>, framing: DeflateFraming, sizeHint: Int, limit: Int, prefixOnly: Bool = false
) throws(InflateFailure) -> [UInt8] {
    let maximumRatio = 1032
    let plausible = input.count > (Int.max - 1024) / maximumRatio ? Int.max : input.count * maximumRatio + 1024
    let hardLimit = min(limit, plausible)
    var output = [UInt8](repeating: 0, count: max(0, min(max(sizeHint, 4096), hardLimit)))
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer { stream.deinitialize(count: 1); stream.deallocate() }
    guard inflateInit2_(stream, framing.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw InflateFailure(reason: "zlib could not start decompression")
    }
    defer { inflateEnd(stream) }

    var produced = 0
    let result: Result<Int, InflateFailure> = input.withUnsafeBufferPointer { inBuffer in
        guard let inBase = inBuffer.baseAddress, inBuffer.count > 0 else {
            return .failure(InflateFailure(reason: "compressed data is empty"))
        }
        var consumed = 0
        while true {
            let inChunk = min(inBuffer.count - consumed, Int(UInt32.max))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBase + consumed)
            stream.pointee.avail_in = uInt(inChunk)
            if produced == output.count {
                guard output.count < hardLimit else {
                    if prefixOnly { return .success(produced) }
                    return .failure(InflateFailure(reason: "decompresses to more than \(hardLimit) bytes"))
                }
                let grown = min(hardLimit, max(output.count * 2, 4096))
                output.append(contentsOf: repeatElement(0, count: grown - output.count))
            }
            let outChunk = min(output.count - produced, Int(UInt32.max))
            let code: Int32 = output.withUnsafeMutableBufferPointer { outBuffer in
                stream.pointee.next_out = outBuffer.baseAddress! + produced
                stream.pointee.avail_out = uInt(outChunk)
                return inflate(stream, Z_NO_FLUSH)
            }
            let usedIn = inChunk - Int(stream.pointee.avail_in)
            let madeOut = outChunk - Int(stream.pointee.avail_out)
            consumed += usedIn
            produced += madeOut
            switch code {
            case Z_STREAM_END:
                let rest = inBuffer.count - consumed
                if rest == 0 { return .success(produced) }
                if framing == .gzip, rest >= 2, inBase[consumed] == 0x1f, inBase[consumed + 1] == 0x8b {
                    inflateReset(stream)
                    continue
                }
                return .failure(InflateFailure(reason: "\(rest) unexpected bytes after the end of the compressed data"))
            case Z_OK, Z_BUF_ERROR:
                if consumed == inBuffer.count && stream.pointee.avail_out > 0 {
                    return .failure(InflateFailure(reason: "compressed data is truncated (ends after \(produced) decompressed bytes)"))
                }
                if usedIn == 0 && madeOut == 0 && stream.pointee.avail_out > 0 {
                    return .failure(InflateFailure(reason: "decompression made no progress"))
                }
            case Z_NEED_DICT:
                return .failure(InflateFailure(reason: "compressed data needs a preset dictionary"))
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(code)"
                return .failure(InflateFailure(reason: "corrupt compressed data (\(message))"))
            }
        }
    }
    switch result {
    case .success(let count):
        output.removeLast(output.count - count)
        return output
    case .failure(let failure):
        throw failure
    }
}

/// Compresses `bytes` into a single gzip member.
func gzipBytes(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer { stream.deinitialize(count: 1); stream.deallocate() }
    guard deflateInit2_(stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                        zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
    defer { deflateEnd(stream) }
    guard bytes.count < Int(UInt32.max) else { return nil }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(bytes.count))) + 64)
    let code: Int32 = bytes.withUnsafeBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.pointee.avail_in = uInt(inBuffer.count)
            stream.pointee.next_out = outBuffer.baseAddress
            stream.pointee.avail_out = uInt(outBuffer.count)
            return deflate(stream, Z_FINISH)
        }
    }
    guard code == Z_STREAM_END else { return nil }
    output.removeLast(Int(stream.pointee.avail_out))
    return output
}

/// The CRC-32 of `bytes` (as zip and gzip use it).
func crc32Checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBufferPointer { buffer in
        var crc = crc32(0, nil, 0)
        var offset = 0
        while offset < buffer.count {
            let chunk = min(buffer.count - offset, 1 << 30)
            crc = crc32(crc, buffer.baseAddress! + offset, uInt(chunk))
            offset += chunk
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
