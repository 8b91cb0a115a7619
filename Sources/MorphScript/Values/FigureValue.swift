import MorphJSON
import MorphRender

/// A plot produced by an experiment (`compare`, `jacobianNorms`, `translation`, `latents`):
/// shown as SVG + Vega-Lite with provenance; exported as .svg/.html/.csv/.md/.txt from the
/// chart and as .json with every series the experiment computed.
public final class FigureValue: HostValue {
    /// The chart.
    public let chart: Chart
    /// Every computed series, for .json export (nil: the chart's own data).
    public let data: JSON?
    /// Where it came from.
    public let provenance: Provenance
    /// A table shown after the plot, if any.
    public let table: Table?

    /// A figure from its parts.
    public init(chart: Chart, data: JSON? = nil, provenance: Provenance, table: Table? = nil) {
        self.chart = chart
        self.data = data
        self.provenance = provenance
        self.table = table
    }

    public var typeName: String { "Figure" }

    public var summary: String { chart.summary().split(separator: "\n").first.map(String.init) ?? "Figure" }

    public func displayBundle() -> MimeBundle {
        provenance.stamped(MimeBundle(chart: chart))
    }

    public func fileContents(forExtension fileExtension: String) throws(ScriptError) -> [UInt8]? {
        if fileExtension == "json", let data {
            return provenance.jsonFile(data.objectValue ?? ["data": data])
        }
        return try asValueError { try chart.fileContents(forExtension: fileExtension) }
    }
}

/// A table produced by an experiment (`losses`, `p.lemma1`): HTML, Markdown and text with
/// provenance; exported as .csv/.json/.md/.html/.txt.
public final class TableValue: HostValue {
    /// The table.
    public let table: Table
    /// Where it came from.
    public let provenance: Provenance

    /// A table value from its parts.
    public init(table: Table, provenance: Provenance) {
        self.table = table
        self.provenance = provenance
    }

    public var typeName: String { "Table" }

    public var summary: String { (table.title ?? "Table") + " (\(table.rowCount) rows)" }

    public func displayBundle() -> MimeBundle {
        provenance.stamped(MimeBundle(table: table))
    }

    public func fileContents(forExtension fileExtension: String) throws(ScriptError) -> [UInt8]? {
        return try asValueError { try table.fileContents(forExtension: fileExtension) }
    }
}

/// An image produced by an experiment (interpolation strips, reconstructions, Jacobian maps):
/// PNG with a caption and provenance; exported as .png/.html. The caption is also drawn into
/// the image, under it: JupyterLab shows a bundle's PNG and not its text, and exported files travel alone.
public final class PictureValue: HostValue {
    /// The pixels, the caption band included.
    public let image: RasterImage
    /// The caption (e.g. "ConvAutoEncoder, L2 recover loss 7.57").
    public let caption: String
    /// Where it came from.
    public let provenance: Provenance

    /// A picture from its parts.
    public init(image: RasterImage, caption: String, provenance: Provenance) {
        self.image = caption.isEmpty ? image : (try? ImageGrid.compose([image], columns: 1, padding: 0, caption: caption)) ?? image
        self.caption = caption
        self.provenance = provenance
    }

    public var typeName: String { "Picture" }

    public var summary: String { caption }

    /// The PNG bundle, encoded once: showing a picture again costs no re-encoding.
    private lazy var bundle: MimeBundle = {
        var bundle = MimeBundle(png: image, description: caption)
        bundle.data["text/plain"] = .string(caption)
        return provenance.stamped(bundle)
    }()

    public func displayBundle() -> MimeBundle { bundle }

    public func fileContents(forExtension fileExtension: String) throws(ScriptError) -> [UInt8]? {
        return try asValueError { try image.fileContents(forExtension: fileExtension) }
    }
}
