import Testing
@testable import MorphRender

@Suite struct ImageGridTests {
    /// A w×h gray image whose every pixel is `value`.
    func flat(_ value: Float, width: Int = 3, height: Int = 2) -> [Float] {
        Array(repeating: value, count: width * height)
    }

    @Test func gridGeometryWithPaddingAndScale() throws {
        let images = (0..<5).map { flat(Float($0) / 4) }
        let grid = try ImageGrid.gray(images, width: 3, height: 2, columns: 3, padding: 1, scale: 2)
        // 3 columns of 6 px + 4 gaps; 2 rows of 4 px + 3 gaps.
        #expect(grid.width == 3 * 6 + 4)
        #expect(grid.height == 2 * 4 + 3)
        #expect(grid.channels == 1)
        // Image 4 (value 1.0) is row 1, column 1: its top-left pixel is at (1 + 7, 1 + 5).
        #expect(grid.pixel(x: 8, y: 6) == [255])
        #expect(grid.pixel(x: 13, y: 9) == [255])
        // Image 1 (0.25 → 64) at column 1, row 0; padding between is background white.
        #expect(grid.pixel(x: 8, y: 1) == [64])
        #expect(grid.pixel(x: 7, y: 1) == [255])
        // The missing sixth cell stays background.
        #expect(grid.pixel(x: 15, y: 6) == [255])
    }

    @Test func stripIsOneRow() throws {
        let strip = try ImageGrid.strip((0..<4).map { _ in flat(0) }, width: 3, height: 2, padding: 2)
        #expect(strip.width == 4 * 3 + 5 * 2)
        #expect(strip.height == 2 + 2 * 2)
        #expect(strip.pixel(x: 2, y: 2) == [0])
        #expect(strip.pixel(x: 5, y: 2) == [255])
    }

    @Test func defaultColumnsMakeANearSquare() throws {
        let grid = try ImageGrid.gray((0..<10).map { _ in flat(0, width: 1, height: 1) }, width: 1, height: 1, padding: 0)
        #expect(grid.width == 4 && grid.height == 3)
    }

    @Test func rowLabelsWidenTheImageAndDrawInk() throws {
        let plain = try ImageGrid.strip([flat(1), flat(1)], width: 3, height: 2)
        let labelled = try ImageGrid.strip([flat(1), flat(1)], width: 3, height: 2, label: "Conv")
        #expect(labelled.width > plain.width + BitmapFont.width(of: "Conv", scale: 1) - 1)
        // Label rows are at least one glyph tall, and the label draws dark pixels on white.
        #expect(labelled.height >= BitmapFont.glyphHeight)
        #expect(labelled.pixels.contains { $0 < 64 })
        #expect(!plain.pixels.contains { $0 < 64 })
    }

    @Test func stripsPadShortRowsWithBackground() throws {
        let grid = try ImageGrid.strips([[flat(0), flat(0)], [flat(0)]], width: 3, height: 2, padding: 1)
        #expect(grid.width == 2 * 3 + 3 && grid.height == 2 * 2 + 3)
        #expect(grid.pixel(x: 5, y: 4) == [255])  // row 1, column 1: blank
        #expect(grid.pixel(x: 1, y: 4) == [0])
    }

    @Test func mixingGrayAndRGBGivesRGB() throws {
        let gray = try RasterImage(gray: [0.5], width: 1, height: 1)
        let red = try RasterImage(width: 1, height: 1, channels: 3, pixels: [255, 0, 0])
        let grid = try ImageGrid.compose([gray, red], padding: 0)
        #expect(grid.channels == 3)
        #expect(grid.pixels == [128, 128, 128, 255, 0, 0])
    }

    @Test func rgbImagesKeepTheirColours() throws {
        let grid = try ImageGrid.rgb([[1, 0, 0, 0, 0, 1]], width: 2, height: 1, padding: 0, scale: 1)
        #expect(grid.pixels == [255, 0, 0, 0, 0, 255])
    }

    @Test func badInputIsAnError() {
        #expect(throws: RenderError.self) { try ImageGrid.gray([], width: 3, height: 2) }
        #expect(throws: RenderError.self) { try ImageGrid.gray([[0, 1]], width: 3, height: 2) }
        #expect(throws: RenderError.self) { try ImageGrid.gray([flat(0)], width: 3, height: 2, scale: 0) }
        #expect(throws: RenderError.self) { try ImageGrid.gray([flat(0)], width: 3, height: 2, padding: -1) }
        #expect(throws: RenderError.self) { try ImageGrid.strip([flat(0)], width: 3, height: 2, columnLabels: ["a", "b"]) }
    }
}

@Suite struct ColormapTests {
    @Test func endpointsMatchTheReferenceMaps() {
        #expect(Colormap.viridis.hex(at: 0) == "#440154")
        #expect(Colormap.viridis.hex(at: 1) == "#fde725")
        #expect(Colormap.viridis.hex(at: 0.5) == "#21918c" || Colormap.viridis.hex(at: 0.5) == "#21908d")
        #expect(Colormap.magma.hex(at: 0) == "#000004")
        #expect(Colormap.magma.hex(at: 1) == "#fcfdbf")
        #expect(Colormap.gray.hex(at: 1) == "#ffffff")
        #expect(Colormap.viridis.table.count == 256 * 3)
    }

    @Test func valuesOutsideZeroOneClamp() {
        #expect(Colormap.viridis.hex(at: -5) == "#440154")
        #expect(Colormap.viridis.hex(at: 9) == "#fde725")
        #expect(Colormap.viridis.hex(at: .nan) == "#440154")
        #expect(Colormap.named("Magma") == .magma)
        #expect(Colormap.named("jet") == nil)
    }

    @Test func heatmapSpansTheMapOverTheDataRange() throws {
        let image = try Heatmap.image([2, 3, 4, .nan], width: 2, height: 2)
        #expect(image.channels == 3)
        #expect(Array(image.pixel(x: 0, y: 0)) == [0x44, 0x01, 0x54])
        #expect(Array(image.pixel(x: 0, y: 1)) == [0xFD, 0xE7, 0x25])
        #expect(Heatmap.range(of: [[1, 1]]) == 0.5...1.5)
        #expect(Heatmap.barLabels(for: 7.74e-34...0.0336) == ["0.0336", "0.0168", "0"])
        #expect(Heatmap.barLabels(for: -2...2) == ["2", "0", "-2"])
    }

    @Test func heatmapGridAddsAColourBar() throws {
        let maps: [[Float]] = [[0, 1, 2, 3], [4, 5, 6, 7]]
        let plain = try Heatmap.grid(maps, width: 2, height: 2, colorBar: false)
        let barred = try Heatmap.grid(maps, width: 2, height: 2)
        #expect(barred.width > plain.width)
        // The shared scale: the first map's first pixel is the bottom colour, the last map's last the top.
        #expect(Array(plain.pixel(x: 2, y: 2)) == [0x44, 0x01, 0x54])
        #expect(Array(plain.pixel(x: 7, y: 3)) == [0xFD, 0xE7, 0x25])
    }
}

@Suite struct CaptionTests {
    @Test func captionAddsALineOfTextUnderTheGrid() throws {
        let images: [[Float]] = [Array(repeating: 1, count: 40), Array(repeating: 1, count: 40)]
        let plain = try ImageGrid.strip(images, width: 20, height: 2)
        let captioned = try ImageGrid.strip(images, width: 20, height: 2, caption: "L2 530")
        #expect(captioned.width == plain.width)
        #expect(captioned.height == plain.height + BitmapFont.glyphHeight + 4)
        // The image rows are unchanged; ink appears only in the caption band.
        #expect(Array(captioned.pixels.prefix(plain.pixels.count)) == plain.pixels)
        #expect(captioned.pixels.suffix(from: plain.pixels.count).contains { $0 < 64 })
    }

    @Test func longCaptionWidensTheImage() throws {
        let image = try ImageGrid.strip([[0]], width: 1, height: 1, caption: "a long caption")
        #expect(image.width == BitmapFont.width(of: "a long caption", scale: 1) + 4)
        #expect(image.pixel(x: 1, y: 1) == [255])  // the grid stays at the left, padding around the image
        #expect(image.pixel(x: 2, y: 2) == [0])
    }
}
