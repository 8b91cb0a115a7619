import MorphJSON

/// A value that can be written to a file in one or more formats.
public protocol Exportable {
    /// The formats this value can be written as, the preferred first.
    var exportFormats: [ExportFormat] { get }
    /// What the value is, for error messages ("a table", "an image").
    var exportKind: String { get }
    /// The file's bytes in `format` (one of `exportFormats`).
    func exportData(as format: ExportFormat) throws(RenderError) -> [UInt8]
}

extension Exportable {
    /// The file's bytes for a file extension ("png", ".csv", "markdown"), or nil when this value
    /// has no such form or the extension is unknown.
    public func fileContents(forExtension fileExtension: String) throws(RenderError) -> [UInt8]? {
        let name = fileExtension.hasPrefix(".") ? "file" + fileExtension : "file." + fileExtension
        guard let format = ExportFormat(path: name), exportFormats.contains(format) else { return nil }
        return try exportData(as: format)
    }
}

extension RasterImage: Exportable {
    public var exportFormats: [ExportFormat] { [.png, .html] }
    public var exportKind: String { "an image" }
    public func exportData(as format: ExportFormat) throws(RenderError) -> [UInt8] {
        switch format {
        case .png: return PNG.encode(self)
        case .html:
            return Array(HTMLPage.wrap(title: "image", body: "<img alt=\"image\" width=\"\(width)\" height=\"\(height)\" src=\"data:image/png;base64,\(Base64.encode(PNG.encode(self)))\"/>").utf8)
        default: throw unsupported(self, format)
        }
    }
}

extension Chart: Exportable {
    public var exportFormats: [ExportFormat] { [.svg, .png, .html, .csv, .json, .markdown, .text] }
    public var exportKind: String { "a chart" }
    /// SVG and HTML draw the chart, PNG rasterises it at twice its size; CSV, JSON, Markdown and
    /// text hold its data, every series.
    public func exportData(as format: ExportFormat) throws(RenderError) -> [UInt8] {
        switch format {
        case .svg: return Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg()).utf8)
        case .html: return Array(HTMLPage.wrap(title: title.isEmpty ? "chart" : title, body: svg()).utf8)
        case .csv, .json, .markdown, .text: return try table().exportData(as: format)
        case .png: return PNG.encode(raster(scale: 2))
        }
    }
}

extension Table: Exportable {
    public var exportFormats: [ExportFormat] { [.csv, .json, .markdown, .html, .text] }
    public var exportKind: String { "a table" }
    /// CSV and JSON keep full precision; Markdown, HTML and text show the display precision, every row.
    public func exportData(as format: ExportFormat) throws(RenderError) -> [UInt8] {
        switch format {
        case .csv: return Array(csv().utf8)
        case .json: return Array((columnJSON().prettyPrinted(indent: 1) + "\n").utf8)
        case .markdown: return Array(markdown().utf8)
        case .html: return Array(HTMLPage.wrap(title: title ?? "table", body: html(rowLimit: Int.max)).utf8)
        case .text: return Array((plainText(rowLimit: Int.max) + "\n").utf8)
        default: throw unsupported(self, format)
        }
    }
}

extension MimeBundle: Exportable {
    public var exportFormats: [ExportFormat] {
        var formats: [ExportFormat] = []
        if data[MimeBundle.pngType] != nil { formats.append(.png) }
        if data[MimeBundle.svgType] != nil { formats.append(.svg) }
        if data["text/csv"] != nil { formats.append(.csv) }
        if data["application/json"] != nil || data[MimeBundle.vegaLiteType] != nil { formats.append(.json) }
        if data["text/markdown"] != nil { formats.append(.markdown) }
        if data["text/html"] != nil || data[MimeBundle.svgType] != nil || data[MimeBundle.pngType] != nil { formats.append(.html) }
        if data["text/plain"] != nil { formats.append(.text) }
        return formats
    }
    public var exportKind: String {
        "a display with " + (data.keys.sorted().joined(separator: ", "))
    }
    /// The matching representation: PNG decoded from base64, SVG, CSV, JSON (application/json or
    /// the Vega-Lite spec), Markdown, HTML (text/html, or the SVG or PNG in a page), plain text.
    public func exportData(as format: ExportFormat) throws(RenderError) -> [UInt8] {
        func text(_ type: String) -> String? { data[type]?.stringValue }
        switch format {
        case .png:
            if let bytes = pngBytes { return bytes }
        case .svg:
            if let svg = text(MimeBundle.svgType) { return Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg).utf8) }
        case .csv:
            if let csv = text("text/csv") { return Array(csv.utf8) }
        case .json:
            if let json = data["application/json"] ?? data[MimeBundle.vegaLiteType] {
                return Array((json.prettyPrinted(indent: 1) + "\n").utf8)
            }
        case .markdown:
            if let md = text("text/markdown") { return Array(md.utf8) }
        case .html:
            if let html = text("text/html") { return Array(HTMLPage.wrap(title: "output", body: html).utf8) }
            if let svg = text(MimeBundle.svgType) { return Array(HTMLPage.wrap(title: "figure", body: svg).utf8) }
            if let png = text(MimeBundle.pngType) {
                return Array(HTMLPage.wrap(title: "image", body: "<img alt=\"image\" src=\"data:image/png;base64,\(png)\"/>").utf8)
            }
        case .text:
            if let plain = plainText { return Array((plain + "\n").utf8) }
        }
        throw unsupported(self, format)
    }
}

/// The error for a format a value cannot be written as, listing the ones it can.
func unsupported(_ value: some Exportable, _ format: ExportFormat) -> RenderError {
    let formats = value.exportFormats
    if formats.isEmpty { return RenderError("\(value.exportKind) cannot be written to a file") }
    return RenderError("\(value.exportKind) exports as \(ExportFormat.list(formats)), not .\(format.fileExtension)")
}

/// A minimal standalone HTML5 page around exported content.
enum HTMLPage {
    static func wrap(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(Markup.escape(title))</title>
        <style>body{font-family:Helvetica,Arial,sans-serif;margin:2em}table{border-collapse:collapse}\
        th,td{padding:0.25em 0.75em;border-bottom:1px solid #ddd}caption{font-weight:600;margin-bottom:0.5em}</style>
        </head><body>
        \(body)
        </body></html>

        """
    }
}
