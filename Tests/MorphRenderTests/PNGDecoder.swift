import CZlib
@testable import MorphRender

/// A minimal PNG reader for the tests: checks the signature and every chunk CRC, inflates IDAT
/// with zlib and undoes the five row filters. 8-bit, non-interlaced gray / RGB / RGBA only.
struct DecodedPNG: Equatable {
    var width: Int
    var height: Int
    var channels: Int
    var pixels: [UInt8]
    var chunkTypes: [String]
}

struct PNGDecodeError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func decodePNG(_ bytes: [UInt8]) throws -> DecodedPNG {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count > 8, Array(bytes[0..<8]) == signature else { throw PNGDecodeError("bad signature") }
    func u32(_ i: Int) -> Int {
        Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
    }
    var offset = 8
    var width = 0, height = 0, channels = 0
    var idat: [UInt8] = []
    var types: [String] = []
    while offset + 12 <= bytes.count {
        let length = u32(offset)
        guard offset + 12 + length <= bytes.count else { throw PNGDecodeError("truncated chunk") }
        let typeAndData = Array(bytes[(offset + 4)..<(offset + 8 + length)])
        let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
        let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        guard Int(crc) == u32(offset + 8 + length) else { throw PNGDecodeError("bad CRC in \(type)") }
        types.append(type)
        let data = Array(typeAndData[4...])
        switch type {
        case "IHDR":
            width = Int(data[0]) << 24 | Int(data[1]) << 16 | Int(data[2]) << 8 | Int(data[3])
            height = Int(data[4]) << 24 | Int(data[5]) << 16 | Int(data[6]) << 8 | Int(data[7])
            guard data[8] == 8, data[10] == 0, data[11] == 0, data[12] == 0 else { throw PNGDecodeError("unsupported IHDR") }
            switch data[9] {
            case 0: channels = 1
            case 2: channels = 3
            case 6: channels = 4
            default: throw PNGDecodeError("unsupported colour type \(data[9])")
            }
        case "IDAT": idat += data
        default: break
        }
        offset += 12 + length
    }
    guard offset == bytes.count, types.first == "IHDR", types.last == "IEND" else { throw PNGDecodeError("bad chunk layout") }
    let stride = width * channels
    var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
    var rawLength = uLongf(raw.count)
    let status = raw.withUnsafeMutableBufferPointer { dst in
        idat.withUnsafeBufferPointer { src in uncompress(dst.baseAddress, &rawLength, src.baseAddress, uLong(src.count)) }
    }
    guard status == Z_OK, Int(rawLength) == raw.count else { throw PNGDecodeError("inflate failed (\(status))") }
    var pixels = [UInt8](repeating: 0, count: stride * height)
    for y in 0..<height {
        let filter = raw[y * (stride + 1)]
        for i in 0..<stride {
            let x = raw[y * (stride + 1) + 1 + i]
            let a = i >= channels ? pixels[y * stride + i - channels] : 0
            let b = y > 0 ? pixels[(y - 1) * stride + i] : 0
            let c = (y > 0 && i >= channels) ? pixels[(y - 1) * stride + i - channels] : 0
            let predictor: UInt8
            switch filter {
            case 0: predictor = 0
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
            case 4:
                let p = Int(a) + Int(b) - Int(c)
                let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
                predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
            default: throw PNGDecodeError("bad filter \(filter)")
            }
            pixels[y * stride + i] = x &+ predictor
        }
    }
    return DecodedPNG(width: width, height: height, channels: channels, pixels: pixels, chunkTypes: types)
}
