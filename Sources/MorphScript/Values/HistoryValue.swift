import MorphEngine
import MorphJSON
import MorphRender

/// What one `train` call recorded: train and test loss per epoch, every batch's loss, and the
/// per-example losses of tracked images; plottable, and comparable across models.
public final class HistoryValue: HostValue {
    /// The model's name.
    public let modelName: String
    /// What the run recorded.
    public let history: TrainingHistory
    /// Where it came from.
    public let provenance: Provenance

    /// The value of one run's history.
    public init(modelName: String, history: TrainingHistory, provenance: Provenance) {
        self.modelName = modelName
        self.history = history
        self.provenance = provenance
    }

    /// The objective trained.
    public var objective: String { history.objective.rawValue }
    /// Mean batch loss of each completed epoch.
    public var trainLoss: [Double] { history.trainLoss }
    /// L2 recover loss on the test split after each epoch (empty when trained on a split).
    public var testLoss: [Double] { history.testLoss }
    /// Every batch's loss.
    public var batchLoss: [Double] { history.batchLoss }
    /// The tracked examples' losses after each epoch.
    public var tracked: ExampleLossHistory? { history.tracked }
    /// Seconds the run took.
    public var seconds: Double { history.seconds }

    public var typeName: String { "History" }

    public var summary: String {
        var text = "History of \(modelName): \(trainLoss.count) epoch\(trainLoss.count == 1 ? "" : "s")"
        if let last = trainLoss.last { text += ", train loss \(NumberText.significant(last))" }
        if let last = testLoss.last { text += ", test L2 recover loss \(NumberText.significant(last))" }
        return text
    }

    /// The loss curves: train (and test) loss per epoch.
    public var chart: Chart {
        let epochs = (1...max(1, trainLoss.count)).map(Double.init)
        var series: [Series] = []
        let mark: SeriesMark = trainLoss.count == 1 ? .points : .line
        if let s = try? Series(name: "\(modelName) train (\(objective))", x: Array(epochs.prefix(trainLoss.count)), y: trainLoss, mark: mark) {
            series.append(s)
        }
        if !testLoss.isEmpty, let s = try? Series(name: "\(modelName) test", x: Array(epochs.prefix(testLoss.count)), y: testLoss, mark: mark) {
            series.append(s)
        }
        return Chart(title: "Loss of \(modelName)", xLabel: "epoch", yLabel: "loss per image", series: series)
    }

    /// Every series as JSON.
    public var json: JSON {
        var object: [String: JSON] = [
            "model": .string(modelName), "objective": .string(objective),
            "trainLoss": .array(trainLoss.map { .number($0) }), "testLoss": .array(testLoss.map { .number($0) }),
            "batchLoss": .array(batchLoss.map { $0.isFinite ? .number($0) : .null }), "seconds": .number(seconds),
        ]
        if let tracked {
            object["trackedExamples"] = .array(tracked.examples.map { .string($0) })
            object["trackedLoss"] = .array(tracked.losses.map { row in .array(row.map { .number($0) }) })
        }
        return .object(object)
    }

    public func displayBundle() -> MimeBundle {
        provenance.stamped(MimeBundle(chart: chart))
    }

    public func fileContents(forExtension fileExtension: String) throws(ScriptError) -> [UInt8]? {
        if fileExtension == "json" {
            return provenance.jsonFile(json.objectValue ?? [:])
        }
        return try asValueError { try chart.fileContents(forExtension: fileExtension) }
    }
}
