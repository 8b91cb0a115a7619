import MorphEngine
import MorphJSON
import MorphRender

/// A model in a cell (`ConvAutoEncoder(latent: 16)` or a composition of layers): a reference,
/// so training changes it in place wherever it is bound. Keeps what training needs to resume
/// (Adam's state) and the pixel order of the data it learned from.
public final class ModelValue: HostValue {
    /// The engine model (its definition says how it was built; it keeps its optimiser, pixel
    /// order and training record).
    public let model: AutoEncoderModel
    /// The last training run's history, as a value.
    public var lastHistory: HistoryValue?
    /// The last measured L2 recover loss and the data it was measured on (captions use it).
    public var lastLoss: (Double, String)?

    /// A value for a freshly built or loaded model.
    public init(model: AutoEncoderModel) {
        self.model = model
    }

    /// The model's label in tables, legends and captions.
    public var name: String { model.name }
    /// The call that built it (a named model) or its name, for provenance.
    public var label: String { model.definition.label }

    public var typeName: String {
        if model.definition.namedCall != nil { return model.name }
        return model.isVariational ? "VAE" : "AutoEncoder"
    }
    public var conformances: [String] { ["Model"] }

    /// Stored pixel i of its training data was original pixel `pixelPermutation[i]` (nil: unshuffled).
    public var pixelPermutation: [Int]? { model.pixelPermutation }

    /// Seconds spent training.
    public var trainingSeconds: Double { model.record.seconds }

    /// "trained 5 epochs on fashion-mnist train (12.3 s)" or "untrained".
    public var trainingState: String {
        let record = model.record
        guard record.epochs > 0 || record.batches > 0 else {
            return record.fitted ? "fitted on \(record.data ?? "its data")" : "untrained"
        }
        var text = "trained \(record.epochs) epoch\(record.epochs == 1 ? "" : "s")"
        if let data = record.data { text += " on \(data)" }
        text += " (\(TrainingMeter.duration(record.seconds)))"
        if pixelPermutation != nil { text += ", on shuffled pixels" }
        return text
    }

    public var summary: String {
        "\(label): \(model.parameterCount) parameters, \(trainingState)"
    }

    /// Every layer with its output shape, parameters and multiply-adds per image, and the totals.
    public var layerTable: Table? {
        let layout = model.layout
        var names: [String] = [], shapes: [String] = [], parameters: [Int] = [], operations: [Int] = []
        func add(_ label: String, _ shape: [Int], _ p: Int, _ m: Int) {
            names.append(label); shapes.append(shapeText(shape)); parameters.append(p); operations.append(m)
        }
        add("input", layout.inputShape, 0, 0)
        for report in layout.encoderLayers {
            add(String(repeating: "  ", count: report.depth) + "\(report.path)  \(report.callText)", report.outputShape,
                report.parameters, report.multiplyAdds)
        }
        if let encoderOutput = layout.encoderOutputShape, encoderOutput != layout.latentShape {
            add("latent z (the mean half)", layout.latentShape, 0, 0)
        } else {
            add("latent z", layout.latentShape, 0, 0)
        }
        for report in layout.decoderLayers {
            add(String(repeating: "  ", count: report.depth) + "\(report.path)  \(report.callText)", report.outputShape,
                report.parameters, report.multiplyAdds)
        }
        add("total", layout.outputShape, parameters.reduce(0, +), operations.reduce(0, +))
        let columns = [
            Column("layer", texts: names), Column("output shape", texts: shapes),
            Column("parameters", integers: parameters), Column("multiply-adds per image", integers: operations),
        ]
        return try? Table(columns: columns, title: "\(label): \(model.parameterCount) parameters, \(trainingState)")
    }

    public func displayBundle() -> MimeBundle {
        guard let layerTable else { return MimeBundle(plainText: summary) }
        return MimeBundle(table: layerTable, rowLimit: 10_000)
    }

}

/// "[1, 28, 28]" or "[16]".
func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
