/// What a live training display needs to know, measured: where training is, how fast it goes, how long it
/// has left and the loss so far. Fed once per batch; time comes from the caller's clock.
public struct TrainingMeter: Sendable, Equatable {
    /// Epochs requested.
    public let epochs: Int
    /// Batches in one epoch.
    public let batchesPerEpoch: Int
    /// Completed epochs plus the fraction of the current one, as a count of batches.
    public private(set) var batchesDone = 0
    /// 0-based epoch of the last batch.
    public private(set) var epoch = 0
    /// 0-based batch (within its epoch) of the last batch.
    public private(set) var batch = 0
    /// The last batch's loss.
    public private(set) var loss = Double.nan
    /// Images trained on so far.
    public private(set) var imagesSeen = 0
    /// Seconds since training started.
    public private(set) var elapsed = 0.0
    /// Every batch's loss, in order.
    public private(set) var batchLosses: [Double] = []

    /// Progress for `epochs` epochs of `batchesPerEpoch` batches.
    public init(epochs: Int, batchesPerEpoch: Int) {
        self.epochs = max(0, epochs)
        self.batchesPerEpoch = max(1, batchesPerEpoch)
    }

    /// Records a completed batch of `images` images with its loss, at `elapsed` seconds.
    public mutating func recordBatch(epoch: Int, batch: Int, loss: Double, images: Int, elapsed: Double) {
        self.epoch = epoch
        self.batch = batch
        self.loss = loss
        imagesSeen += images
        self.elapsed = elapsed
        batchesDone = epoch * batchesPerEpoch + batch + 1
        batchLosses.append(loss)
    }

    /// Training throughput so far.
    public var imagesPerSecond: Double { elapsed > 0 ? Double(imagesSeen) / elapsed : 0 }

    /// Estimated seconds to finish, from the rate so far (nil before the first batch).
    public var secondsLeft: Double? {
        guard batchesDone > 0, elapsed > 0 else { return nil }
        let remaining = max(0, epochs * batchesPerEpoch - batchesDone)
        return elapsed / Double(batchesDone) * Double(remaining)
    }

    /// Fraction done, in [0, 1].
    public var fraction: Double {
        let total = epochs * batchesPerEpoch
        return total > 0 ? min(1, Double(batchesDone) / Double(total)) : 1
    }

    /// The batch losses averaged into at most `points` buckets, for a small loss curve.
    public func lossCurve(points: Int = 120) -> [Double] {
        let n = batchLosses.count
        guard n > points, points > 0 else { return batchLosses }
        return (0..<points).map { k in
            let lo = k * n / points, hi = max(lo + 1, (k + 1) * n / points)
            return SummaryStatistics.mean(Array(batchLosses[lo..<hi]))
        }
    }

    /// One line: "epoch 2/5 · batch 37/94 · loss 23.41 · 5230 images/s · 12 s left".
    public var summary: String {
        var parts = [
            "epoch \(epoch + 1)/\(epochs)", "batch \(batch + 1)/\(batchesPerEpoch)",
            "loss \(formatted(loss, digits: 3))", "\(imagesPerSecond < 1e15 ? String(Int(imagesPerSecond.rounded())) : "?") images/s",
        ]
        if let left = secondsLeft { parts.append(Self.duration(left) + " left") }
        return parts.joined(separator: " · ")
    }

    /// A duration as "42 s", "3 min 05 s" or "1 h 02 min".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e15 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min " + (s % 60 < 10 ? "0" : "") + "\(s % 60) s" }
        let m = (s % 3600) / 60
        return "\(s / 3600) h " + (m < 10 ? "0" : "") + "\(m) min"
    }
}

/// Lets a display update at most once per `interval` seconds (the first and forced ones always pass).
public struct UpdateThrottle: Sendable, Equatable {
    /// Minimum seconds between updates.
    public let interval: Double
    private var last: Double?

    /// A throttle allowing one update per `interval` seconds (0.25 = four a second).
    public init(interval: Double = 0.25) { self.interval = interval }

    /// Whether to update at time `now` (seconds, any fixed origin); records the update if so.
    public mutating func shouldUpdate(at now: Double, force: Bool = false) -> Bool {
        if force || last == nil || now - (last ?? now) >= interval {
            last = now
            return true
        }
        return false
    }
}
