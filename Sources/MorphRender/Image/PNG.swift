import CZlib

/// PNG encoding (8-bit gray, RGB or RGBA, non-interlaced), written chunk by chunk with zlib.
public enum PNG {
    /// The PNG file bytes of `image`: signature, IHDR, one IDAT (zlib, adaptive row filters), IEND.
    public static func encode(_ image: RasterImage) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        let colourType: UInt8 = image.channels == 1 ? 0 : image.channels == 3 ? 2 : 6
        header += [8, colourType, 0, 0, 0]  // bit depth, colour type, compression, filter, interlace
        appendChunk("IHDR", header, to: &out)
        appendChunk("IDAT", compress(filtered(image)), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    /// The scanlines, each prefixed with the filter (0–4) that gives the smallest sum of
    /// absolute residuals, the usual heuristic of libpng.
    static func filtered(_ image: RasterImage) -> [UInt8] {
        let bpp = image.channels
        let stride = image.width * bpp
        var out = [UInt8](repeating: 0, count: (stride + 1) * image.height)
        var candidate = [UInt8](repeating: 0, count: stride)
        var best = [UInt8](repeating: 0, count: stride)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<image.height {
                let row = y * stride
                let prior = row - stride
                var bestFilter: UInt8 = 0
                var bestScore = Int.max
                for filter in UInt8(0)...4 {
                    if y == 0 && (filter == 2 || filter == 4) { continue }  // same as Sub / None on row 0
                    var score = 0
                    for i in 0..<stride {
                        let x = px[row + i]
                        let a = i >= bpp ? px[row + i - bpp] : 0
                        let b = y > 0 ? px[prior + i] : 0
                        let c = (y > 0 && i >= bpp) ? px[prior + i - bpp] : 0
                        let predictor: UInt8
                        switch filter {
                        case 0: predictor = 0
                        case 1: predictor = a
                        case 2: predictor = b
                        case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
                        default: predictor = paeth(a, b, c)
                        }
                        let r = x &- predictor
                        candidate[i] = r
                        score += r < 128 ? Int(r) : 256 - Int(r)
                        if score >= bestScore { break }
                    }
                    if score < bestScore {
                        bestScore = score
                        bestFilter = filter
                        swap(&best, &candidate)
                    }
                }
                let o = y * (stride + 1)
                out[o] = bestFilter
                for i in 0..<stride { out[o + 1 + i] = best[i] }
            }
        }
        return out
    }

    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    static func compress(_ data: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let status = out.withUnsafeMutableBufferPointer { dst in
            data.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &capacity, src.baseAddress, uLong(data.count), 6)
            }
        }
        // compress2 only fails for lack of memory or a too small buffer; compressBound rules out the second.
        guard status == Z_OK else { return storedZlibStream(data) }
        out.removeSubrange(Int(capacity)...)
        return out
    }

    /// A valid zlib stream of uncompressed ("stored") blocks: the fallback if compress2 fails.
    static func storedZlibStream(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        let adler = data.withUnsafeBufferPointer { adler32(1, $0.baseAddress, uInt($0.count)) }
        appendBigEndian(UInt32(adler), to: &out)
        return out
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &out)
        let typeAndData = Array(type.utf8) + data
        out += typeAndData
        let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        appendBigEndian(UInt32(crc), to: &out)
    }

    static func appendBigEndian(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
