/// Image grids and strips: many small images laid out in one, with gaps and optional labels.
public enum ImageGrid {
    /// Lays out `images` row by row in `columns` columns (default: a near-square grid) with
    /// `padding` background pixels between and around them.
    ///
    /// Images may differ in size (each is centred in a cell of the largest size) and in channels
    /// (all become RGB if any is colour). `rowLabels` are drawn left of each row and `columnLabels`
    /// above each column, in a small bitmap font (`labelScale` pixels per font pixel, by default
    /// chosen from the cell height); `caption` is a line under the grid (shortened to fit).
    public static func compose(
        _ images: [RasterImage], columns: Int? = nil, padding: Int = 2, background: UInt8 = 255,
        rowLabels: [String] = [], columnLabels: [String] = [], caption: String? = nil, labelScale: Int? = nil
    ) throws(RenderError) -> RasterImage {
        guard !images.isEmpty else { throw RenderError("an image grid needs at least one image") }
        guard padding >= 0, padding <= 256 else { throw RenderError("padding must be between 0 and 256 pixels, not \(padding)") }
        let count = images.count
        let cols = min(columns ?? defaultColumns(count), count)
        guard cols > 0 else { throw RenderError("a grid needs at least one column, not \(columns ?? 0)") }
        let rows = (count + cols - 1) / cols
        guard rowLabels.isEmpty || rowLabels.count <= rows else {
            throw RenderError("\(rowLabels.count) row labels for a grid of \(rows) row(s)")
        }
        guard columnLabels.isEmpty || columnLabels.count <= cols else {
            throw RenderError("\(columnLabels.count) column labels for a grid of \(cols) column(s)")
        }
        let cellWidth = images.map(\.width).max() ?? 1
        let imageHeight = images.map(\.height).max() ?? 1
        let channels = images.contains { $0.channels != 1 } ? 3 : 1
        let font = labelScale ?? (imageHeight >= 40 ? 2 : 1)
        guard font >= 1, font <= 8 else { throw RenderError("label scale must be between 1 and 8, not \(font)") }
        let textHeight = BitmapFont.glyphHeight * font
        let cellHeight = rowLabels.isEmpty ? imageHeight : max(imageHeight, textHeight)
        // Column labels shrink to the largest font scale at which they all fit their cells.
        var headerFont = font
        while headerFont > 1,
              columnLabels.contains(where: { BitmapFont.width(of: $0, scale: headerFont) > cellWidth + padding }) {
            headerFont -= 1
        }
        let headerTextHeight = BitmapFont.glyphHeight * headerFont
        let gap = max(padding, 2 * font)

        let labelWidth = rowLabels.isEmpty ? 0 : (rowLabels.map { BitmapFont.width(of: $0, scale: font) }.max() ?? 0) + gap
        let headerHeight = columnLabels.isEmpty ? 0 : headerTextHeight + gap
        let gridWidth = cols * cellWidth + (cols + 1) * padding
        let gridHeight = rows * cellHeight + (rows + 1) * padding
        // The caption takes the largest font scale at which it fits the grid's width; a caption
        // wider than the grid even at scale 1 widens the image (up to 1200 pixels, then it is shortened).
        let captionText = caption ?? ""
        var captionFont = font
        while captionFont > 1, BitmapFont.width(of: captionText, scale: captionFont) + 2 * gap > labelWidth + gridWidth {
            captionFont -= 1
        }
        let captionHeight = captionText.isEmpty ? 0 : BitmapFont.glyphHeight * captionFont + 2 * gap
        let captionWidth = min(BitmapFont.width(of: captionText, scale: captionFont) + 2 * gap, 1200)
        let width = max(labelWidth + gridWidth, captionHeight > 0 ? captionWidth : 0)
        let height = headerHeight + gridHeight + captionHeight
        guard width * height <= 1 << 26 else {
            throw RenderError("the grid would be \(width)×\(height) pixels; use fewer images or a smaller scale")
        }
        var canvas = _Canvas(width: width, height: height, channels: channels, background: [background])
        let ink: [UInt8] = background >= 128 ? [0x22] : [0xEE]

        for (i, image) in images.enumerated() {
            let r = i / cols, c = i % cols
            let x = labelWidth + padding + c * (cellWidth + padding) + (cellWidth - image.width) / 2
            let y = headerHeight + padding + r * (cellHeight + padding) + (cellHeight - image.height) / 2
            canvas.blit(image, x: x, y: y)
        }
        for (r, label) in rowLabels.enumerated() {
            let y = headerHeight + padding + r * (cellHeight + padding) + (cellHeight - textHeight) / 2
            canvas.text(label, x: max(0, padding), y: y, scale: font, color: ink)
        }
        for (c, label) in columnLabels.enumerated() {
            let fitted = fit(label, width: cellWidth + padding, scale: headerFont)
            let textWidth = BitmapFont.width(of: fitted, scale: headerFont)
            let x = labelWidth + padding + c * (cellWidth + padding) + (cellWidth - textWidth) / 2
            canvas.text(fitted, x: x, y: max(0, padding), scale: headerFont, color: ink)
        }
        if !captionText.isEmpty {
            let fitted = fit(captionText, width: width - 2 * gap, scale: captionFont)
            let textWidth = BitmapFont.width(of: fitted, scale: captionFont)
            canvas.text(fitted, x: (width - textWidth) / 2, y: headerHeight + gridHeight + gap, scale: captionFont, color: ink)
        }
        return canvas.image
    }

    /// A grid of gray images given as values in [0, 1], each `width`×`height` row by row, every
    /// pixel enlarged `scale` times; padding is in output pixels.
    public static func gray(
        _ images: [[Float]], width: Int, height: Int, columns: Int? = nil, padding: Int = 2, scale: Int = 1,
        background: UInt8 = 255, rowLabels: [String] = [], columnLabels: [String] = [], caption: String? = nil
    ) throws(RenderError) -> RasterImage {
        try compose(
            rasters(images, width: width, height: height, channels: 1, scale: scale),
            columns: columns, padding: padding, background: background, rowLabels: rowLabels, columnLabels: columnLabels,
            caption: caption)
    }

    /// A grid of RGB images given as values in [0, 1], each pixel's red, green and blue adjacent.
    public static func rgb(
        _ images: [[Float]], width: Int, height: Int, columns: Int? = nil, padding: Int = 2, scale: Int = 1,
        background: UInt8 = 255, rowLabels: [String] = [], columnLabels: [String] = [], caption: String? = nil
    ) throws(RenderError) -> RasterImage {
        try compose(
            rasters(images, width: width, height: height, channels: 3, scale: scale),
            columns: columns, padding: padding, background: background, rowLabels: rowLabels, columnLabels: columnLabels,
            caption: caption)
    }

    /// One row of gray images (an interpolation strip), optionally labelled on the left.
    public static func strip(
        _ images: [[Float]], width: Int, height: Int, padding: Int = 2, scale: Int = 1,
        background: UInt8 = 255, label: String? = nil, columnLabels: [String] = [], caption: String? = nil
    ) throws(RenderError) -> RasterImage {
        try gray(images, width: width, height: height, columns: max(1, images.count), padding: padding, scale: scale,
                 background: background, rowLabels: label.map { [$0] } ?? [], columnLabels: columnLabels, caption: caption)
    }

    /// Several strips stacked, one per row with its label (e.g. one interpolation per model).
    public static func strips(
        _ rows: [[[Float]]], width: Int, height: Int, padding: Int = 2, scale: Int = 1,
        background: UInt8 = 255, labels: [String] = [], columnLabels: [String] = [], caption: String? = nil
    ) throws(RenderError) -> RasterImage {
        let columns = rows.map(\.count).max() ?? 0
        guard columns > 0 else { throw RenderError("strips need at least one image") }
        var cells: [RasterImage] = []
        let blank = try RasterImage(width: width * max(scale, 1), height: height * max(scale, 1), fill: [background])
        for row in rows {
            let images = try rasters(row, width: width, height: height, channels: 1, scale: scale)
            cells += images + Array(repeating: blank, count: columns - images.count)
        }
        return try compose(cells, columns: columns, padding: padding, background: background,
                           rowLabels: labels, columnLabels: columnLabels, caption: caption)
    }

    /// A near-square column count: ⌈√n⌉.
    static func defaultColumns(_ n: Int) -> Int {
        var c = 1
        while c * c < n { c += 1 }
        return c
    }

    /// Shortens `text` with an ellipsis so it fits in `width` pixels.
    static func fit(_ text: String, width: Int, scale: Int) -> String {
        guard BitmapFont.width(of: text, scale: scale) > width else { return text }
        var t = text
        while !t.isEmpty, BitmapFont.width(of: t + "…", scale: scale) > width { t.removeLast() }
        return t.isEmpty ? "" : t + "…"
    }

    static func rasters(_ images: [[Float]], width: Int, height: Int, channels: Int, scale: Int) throws(RenderError) -> [RasterImage] {
        guard scale >= 1, scale <= 32 else { throw RenderError("scale must be a whole number from 1 to 32, not \(scale)") }
        guard width > 0, height > 0 else { throw RenderError("image size must be positive, not \(width)×\(height)") }
        var out: [RasterImage] = []
        out.reserveCapacity(images.count)
        for (i, values) in images.enumerated() {
            guard values.count == width * height * channels else {
                throw RenderError("image \(i) has \(values.count) values; a \(width)×\(height) \(channels == 1 ? "gray" : "RGB") image has \(width * height * channels)")
            }
            out.append(RasterImage(unchecked: width, height: height, channels: channels, pixels: values.map(RasterImage.byte)).scaled(by: scale))
        }
        return out
    }
}
