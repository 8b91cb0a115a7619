/// The loss of a few chosen examples after every epoch (the article's unfinished per-example
/// loss plot): one series per example.
public struct ExampleLossHistory: Sendable, Equatable {
    /// Names of the tracked examples (e.g. "test[3]"), in order.
    public let examples: [String]
    /// `losses[epoch][k]` is example k's summed squared error after that epoch.
    public private(set) var losses: [[Double]]

    /// An empty history for the named examples.
    public init(examples: [String]) {
        self.examples = examples
        losses = []
    }

    /// Appends one epoch's losses, one per tracked example.
    public mutating func record(_ epochLosses: [Double]) throws(ExperimentError) {
        guard epochLosses.count == examples.count else {
            throw .invalidArgument("tracking \(examples.count) examples but got \(epochLosses.count) losses")
        }
        losses.append(epochLosses)
    }

    /// Number of recorded epochs.
    public var epochCount: Int { losses.count }

    /// Example k's loss at every recorded epoch.
    public func series(forExample k: Int) throws(ExperimentError) -> [Double] {
        guard examples.indices.contains(k) else {
            throw .invalidArgument("example \(k) is not tracked; \(examples.count) examples are (0..<\(examples.count))")
        }
        return losses.map { $0[k] }
    }
}
