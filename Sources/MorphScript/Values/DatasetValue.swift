import MorphEngine
import MorphJSON
import MorphRender

/// A dataset with train and test splits (`dataset("fashion-mnist", classes: [0, 1])`).
public final class DatasetValue: HostValue {
    /// The engine's dataset.
    public let dataset: Dataset

    /// A value for `dataset`.
    public init(_ dataset: Dataset) { self.dataset = dataset }

    public var typeName: String { "Dataset" }
    public var conformances: [String] { ["Images"] }

    public var summary: String {
        let shuffled = dataset.permutationSeed.map { ", pixels shuffled (seed \($0))" } ?? ""
        return "Dataset \(dataset.name): \(dataset.train.count) train / \(dataset.test.count) test, classes \(dataset.classes)" + shuffled
    }

    /// The training split.
    public var train: SplitValue { SplitValue(split: dataset.train, part: "train", dataset: dataset) }
    /// The test split.
    public var test: SplitValue { SplitValue(split: dataset.test, part: "test", dataset: dataset) }

    /// "fashion-mnist, classes 0, 1" (for provenance).
    public var dataDescription: String {
        let classes = dataset.classes.map(String.init).joined(separator: ", ")
        let shuffled = dataset.permutationSeed.map { ", pixels shuffled (seed \($0))" } ?? ""
        return "\(dataset.name), classes \(classes)\(shuffled)"
    }

    public func displayBundle() -> MimeBundle {
        let text = dataset.summary
        let samples = test.split.count > 0 ? test : train
        guard let grid = try? samples.grid(limit: 16, columns: 8) else { return MimeBundle(plainText: text) }
        var bundle = MimeBundle(png: grid, description: text)
        bundle.data["text/plain"] = JSON.string(text)
        return bundle
    }
}
