import MorphEngine
import MorphJSON
import MorphRender

/// The result of `path(model, from: a, to: b, steps:)`: the Jacobian along the latent path, the
/// steps between decoded images and Lemma 1. Shown as two displays, a plot then a table.
public final class PathValue: HostValue {
    /// The analysis.
    public let analysis: PathAnalysis
    /// The decoded images along the path, original pixel order.
    public let decoded: [[Float]]
    /// Image width and height.
    public let width: Int, height: Int
    /// The model's name (with its call, e.g. "ConvAutoEncoder(latent: 16)").
    public let modelName: String
    /// "test[0] → test[1]".
    public let endpoints: String
    /// Where it came from.
    public let provenance: Provenance

    /// A path value from its parts.
    public init(analysis: PathAnalysis, decoded: [[Float]], width: Int, height: Int, modelName: String,
                endpoints: String, provenance: Provenance) {
        self.analysis = analysis
        self.decoded = decoded
        self.width = width
        self.height = height
        self.modelName = modelName
        self.endpoints = endpoints
        self.provenance = provenance
    }

    public var typeName: String { "Path" }

    public var summary: String {
        let l = analysis.lemma1
        return "Path of \(modelName), \(endpoints), \(analysis.positions.count) points: mean ‖J‖_F "
            + NumberText.significant(analysis.meanFrobeniusNorm) + ", step L2 CV " + NumberText.significant(analysis.stepVariation)
            + ", Lemma 1 " + (l.holds ? "holds" : "FAILS")
    }

    /// ‖J‖_F, σ_max and ‖J u‖ against t.
    public var chart: Chart {
        let t = analysis.positions
        var series: [Series] = []
        for (name, values) in [("‖J‖_F", analysis.frobeniusNorms), ("σ_max(J)", analysis.largestSingularValues), ("‖J u‖", analysis.directionalNorms)] {
            if let s = try? Series(name: name, x: t, y: values) { series.append(s) }
        }
        return Chart(title: "Decoder Jacobian along the path (\(modelName), \(endpoints))", xLabel: "t",
                     yLabel: "norm", series: series)
    }

    /// Lemma 1's quantities and checks, with the step statistics.
    public var table: Table? {
        let l = analysis.lemma1
        var rows: [[Cell]] = [
            ["‖Δr‖ = ‖r(z_b) − r(z_a)‖", .number(l.endpointDistance), ""],
            ["‖Δz‖ = ‖z_b − z_a‖", .number(l.latentDistance), ""],
            ["Σ step L2", .number(l.stepLengthSum), ""],
            ["‖Δz‖·mean ‖J u‖", .number(l.directionalBound), ""],
            ["‖Δz‖·mean ‖J‖_F", .number(l.frobeniusBound), ""],
            ["‖Δr‖²", .number(l.squaredEndpointDistance), ""],
            ["‖Δz‖²·mean ‖J‖_F²", .number(l.squaredFrobeniusBound), ""],
            ["E·mean ‖J‖_F² (the article's form, not a bound)", .number(l.articleBound),
             .text(l.squaredEndpointDistance <= l.articleBound ? "≥ ‖Δr‖²" : "< ‖Δr‖²")],
        ]
        for check in l.checks {
            rows.append([.text(check.statement), .number(check.right / max(check.left, .leastNonzeroMagnitude)),
                         .text(check.holds ? "holds" : "fails")])
        }
        rows.append(["step L2 coefficient of variation", .number(analysis.stepVariation), ""])
        rows.append(["mean ‖J‖_F", .number(analysis.meanFrobeniusNorm), ""])
        let title = "Lemma 1 along the path (\(modelName), \(endpoints)); check rows give bound ÷ ‖Δr‖"
        return try? Table(header: ["quantity", "value", "check"], rows: rows, title: title)
    }

    /// The decoded images as a strip (every `step`-th point so at most 16 show).
    public var strip: RasterImage? {
        let stride = max(1, (decoded.count + 15) / 16)
        let shown = Swift.stride(from: 0, to: decoded.count, by: stride).map { decoded[$0] }
        return try? ImageGrid.strip(shown, width: width, height: height, scale: 2)
    }

    public func displayBundle() -> MimeBundle {
        guard let table else { return MimeBundle(plainText: summary) }
        return provenance.stamped(MimeBundle(table: table))
    }

    /// The plot, shown before the table.
    public var leadingBundles: [MimeBundle] {
        [provenance.stamped(MimeBundle(chart: chart))]
    }

    public func fileContents(forExtension fileExtension: String) throws(ScriptError) -> [UInt8]? {
        switch fileExtension {
        case "json":
            var object = analysis.json.objectValue ?? [:]
            object["model"] = .string(modelName)
            object["endpoints"] = .string(endpoints)
            return provenance.jsonFile(object)
        case "png":
            guard let strip else { return nil }
            return PNG.encode(strip)
        case "csv", "md", "markdown", "html", "txt":
            return try asValueError { try table?.fileContents(forExtension: fileExtension) }
        default:
            return try asValueError { try chart.fileContents(forExtension: fileExtension) }
        }
    }
}
