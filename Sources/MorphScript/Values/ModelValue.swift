import MorphEngine
import MorphJSON
import MorphRender

/// One of the article's models in a cell (`ConvAutoEncoder(latent: 16)`): a reference, so
/// training changes it in place wherever it is bound. Keeps what training needs to resume
/// (Adam's state) and the pixel order of the data it learned from.
public final class ModelValue: HostValue {
    /// How it was built.
    public let specification: ModelSpecification
    /// The engine model.
    public let model: any AutoEncoderModel
    /// The optimiser, once trained (kept so training resumes where it stopped).
    public var optimizer: Adam?
    /// Stored pixel i of its training data was original pixel `pixelPermutation[i]` (nil: unshuffled).
    public var pixelPermutation: [Int]?
    /// The data it was trained on, if any.
    public var trainedOn: String?
    /// Completed epochs over all `train` calls.
    public var epochsTrained = 0
    /// Batches completed over all `train` calls.
    public var batchesTrained = 0
    /// Seconds spent training.
    public var trainingSeconds = 0.0
    /// The last training run's history.
    public var lastHistory: HistoryValue?
    /// The last measured L2 recover loss and the data it was measured on (captions use it).
    public var lastLoss: (Double, String)?

    /// A value for a freshly built or loaded model.
    public init(specification: ModelSpecification, model: any AutoEncoderModel) {
        self.specification = specification
        self.model = model
    }

    public var typeName: String { specification.architecture }
    public var conformances: [String] { ["Model"] }

    /// The model as the experiments see it (through its training data's pixel permutation).
    public func adapter() throws(ScriptError) -> EngineModelAdapter {
        do {
            return try EngineModelAdapter(model, pixelPermutation: pixelPermutation)
        } catch {
            throw ScriptError(kind: "ValueError", message: error.description)
        }
    }

    /// "trained 5 epochs on fashion-mnist train (12.3 s)" or "untrained".
    public var trainingState: String {
        guard epochsTrained > 0 || batchesTrained > 0 else {
            return model is PCA && trainedOn != nil ? "fitted on \(trainedOn ?? "")" : "untrained"
        }
        var text = "trained \(epochsTrained) epoch\(epochsTrained == 1 ? "" : "s")"
        if let trainedOn { text += " on \(trainedOn)" }
        text += " (\(TrainingMeter.duration(trainingSeconds)))"
        if pixelPermutation != nil { text += ", on shuffled pixels" }
        return text
    }

    public var summary: String {
        "\(specification.callText): \(model.parameterCount) parameters, \(trainingState)"
    }

    public func displayBundle() -> MimeBundle {
        let text = summary + "\n" + model.summary
        let html = "<div><b>\(htmlEscaped(specification.callText))</b> · \(model.parameterCount) parameters · "
            + htmlEscaped(trainingState) + "<pre>\(htmlEscaped(model.summary))</pre></div>"
        return MimeBundle(data: ["text/plain": .string(text), "text/html": .string(html)])
    }

    /// What `save` stores about training besides weights.
    public var trainingJSON: JSON {
        var object: [String: JSON] = [
            "epochs": .number(Double(epochsTrained)), "batches": .number(Double(batchesTrained)),
            "seconds": .number(trainingSeconds),
        ]
        object["data"] = trainedOn.map { .string($0) } ?? .null
        return .object(object)
    }

    /// Restores what `trainingJSON` saved.
    public func restoreTraining(from json: JSON) {
        epochsTrained = json["epochs"]?.intValue ?? 0
        batchesTrained = json["batches"]?.intValue ?? 0
        trainingSeconds = json["seconds"]?.doubleValue ?? 0
        trainedOn = json["data"]?.stringValue
    }
}
