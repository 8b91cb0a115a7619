import MorphJSON
import Testing
@testable import MorphRender

/// A deterministic pseudo-random byte stream (xorshift), so images exercise every row filter.
struct Bytes: Sequence, IteratorProtocol {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt8? {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return UInt8(truncatingIfNeeded: state >> 32)
    }
}

@Suite struct PNGTests {
    @Test(arguments: [1, 3, 4])
    func decodesBackToTheSamePixels(channels: Int) throws {
        // Mix smooth gradients (Sub/Up/Paeth win) and noise (None wins).
        let width = 37, height = 23
        var noise = Bytes(seed: UInt64(channels) * 7919)
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for k in 0..<channels {
                    pixels.append(y % 3 == 0 ? noise.next()! : UInt8((x * 5 + y * 3 + k * 40) & 0xFF))
                }
            }
        }
        let image = try RasterImage(width: width, height: height, channels: channels, pixels: pixels)
        let decoded = try decodePNG(PNG.encode(image))
        #expect(decoded.width == width)
        #expect(decoded.height == height)
        #expect(decoded.channels == channels)
        #expect(decoded.pixels == pixels)
        #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
    }

    @Test func onePixelImage() throws {
        let image = try RasterImage(width: 1, height: 1, channels: 1, pixels: [200])
        #expect(try decodePNG(PNG.encode(image)).pixels == [200])
    }

    @Test func storedFallbackStreamInflates() throws {
        // The fallback zlib stream must be valid: wrap it in chunks and decode.
        let image = try RasterImage(width: 300, height: 300, channels: 1, pixels: (0..<90000).map { UInt8($0 % 251) })
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        PNG.appendBigEndian(300, to: &header)
        PNG.appendBigEndian(300, to: &header)
        header += [8, 0, 0, 0, 0]
        PNG.appendChunk("IHDR", header, to: &png)
        PNG.appendChunk("IDAT", PNG.storedZlibStream(PNG.filtered(image)), to: &png)
        PNG.appendChunk("IEND", [], to: &png)
        #expect(try decodePNG(png).pixels == image.pixels)
    }

    @Test func grayFromFloatsClampsAndRounds() throws {
        let image = try RasterImage(gray: [0, 0.5, 1, -3, 7, .nan], width: 3, height: 2)
        #expect(image.pixels == [0, 128, 255, 0, 255, 0])
    }

    @Test func invalidSizesAreErrorsNotTraps() {
        #expect(throws: RenderError.self) { try RasterImage(width: 2, height: 2, channels: 1, pixels: [1, 2, 3]) }
        #expect(throws: RenderError.self) { try RasterImage(width: 0, height: 2, channels: 1, pixels: []) }
        #expect(throws: RenderError.self) { try RasterImage(width: 1, height: 1, channels: 2, pixels: [1, 2]) }
        #expect(throws: RenderError.self) { try RasterImage(gray: [0.5], width: 2, height: 2) }
    }

    @Test func scaledRepeatsPixels() throws {
        let image = try RasterImage(width: 2, height: 1, channels: 1, pixels: [10, 20]).scaled(by: 3)
        #expect(image.width == 6 && image.height == 3)
        #expect(image.pixels == Array(repeating: [10, 10, 10, 20, 20, 20] as [UInt8], count: 3).flatMap { $0 })
    }

    @Test func rgbConversionCompositesAlphaOverWhite() throws {
        let gray = try RasterImage(width: 1, height: 1, channels: 1, pixels: [7]).rgb()
        #expect(gray.pixels == [7, 7, 7])
        let rgba = try RasterImage(width: 2, height: 1, channels: 4, pixels: [0, 0, 0, 0, 10, 20, 30, 255]).rgb()
        #expect(rgba.pixels == [255, 255, 255, 10, 20, 30])
    }

    @Test func bundleCarriesBase64PNGAndSize() throws {
        let image = try RasterImage(width: 4, height: 2, channels: 3, pixels: Array(repeating: 9, count: 24))
        let bundle = MimeBundle(png: image, displayWidth: 8)
        let png = try #require(bundle.pngBytes)
        #expect(try decodePNG(png).pixels == image.pixels)
        #expect(bundle.metadata["image/png"]?["width"] == 8)
        #expect(bundle.metadata["image/png"]?["height"] == 2)
        #expect(bundle.plainText?.contains("4×2") == true)
    }
}

@Suite struct Base64Tests {
    @Test func rfc4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func roundTripsAllByteValues() {
        let bytes = (0..<1000).map { UInt8(($0 * 37) & 0xFF) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test func rejectsInvalidText() {
        #expect(Base64.decode("ab$c") == nil)
        #expect(Base64.decode("Zg==Zg") == nil)
    }
}
