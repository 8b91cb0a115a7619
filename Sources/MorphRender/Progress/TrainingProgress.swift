import MorphJSON
#if canImport(Glibc)
import Glibc  // log10
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of a training run for a live display that updates in place: where it is, the
/// current loss and speed, the time left and the loss so far (drawn as a sparkline).
public struct TrainingProgress: Sendable, Equatable {
    /// What is being trained (e.g. the model's name); "" for nothing.
    public var title: String
    /// The current epoch, counted from 1.
    public var epoch: Int
    /// The number of epochs in the run.
    public var epochs: Int
    /// Batches completed in the current epoch.
    public var batch: Int
    /// Batches per epoch.
    public var batches: Int
    /// The latest loss.
    public var loss: Double
    /// Training speed in images per second.
    public var imagesPerSecond: Double
    /// Estimated seconds until the run ends, if known.
    public var secondsLeft: Double?
    /// Losses so far (one per batch or per logging step), oldest first.
    public var lossHistory: [Double]
    /// Whether the run has ended (the display then shows the total instead of the time left).
    public var finished: Bool
    /// What to say instead of the counters ("starting", "fitted in closed form"), if anything.
    public var note: String?

    /// A progress state.
    public init(title: String = "", epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double,
                imagesPerSecond: Double, secondsLeft: Double? = nil, lossHistory: [Double] = [], finished: Bool = false,
                note: String? = nil) {
        self.title = title
        self.epoch = epoch
        self.epochs = epochs
        self.batch = batch
        self.batches = batches
        self.loss = loss
        self.imagesPerSecond = imagesPerSecond
        self.secondsLeft = secondsLeft
        self.lossHistory = lossHistory
        self.finished = finished
        self.note = note
    }

    /// The fraction of the run done, in [0, 1].
    public var fractionDone: Double {
        guard epochs > 0, batches > 0 else { return finished ? 1 : 0 }
        if finished { return 1 }
        let done = Double(max(epoch - 1, 0) * batches + min(max(batch, 0), batches))
        return min(max(done / Double(epochs * batches), 0), 1)
    }

    /// One line: "Conv · epoch 2/5 · batch 120/469 · loss 23.41 · 1830 img/s · 0:42 left", or the
    /// note ("Conv · starting: 5 epochs of 469 batches"); never a NaN loss or a speed of 0.
    public func plainText() -> String {
        var parts: [String] = []
        if !title.isEmpty { parts.append(title) }
        if let note {
            parts.append(note)
            if finished { parts.append("done") }
            return parts.joined(separator: " · ")
        }
        parts.append("epoch \(epoch)/\(epochs)")
        parts.append("batch \(batch)/\(batches)")
        if loss.isFinite { parts.append("loss " + NumberText.significant(loss, digits: 4)) }
        if imagesPerSecond > 0 { parts.append(NumberText.significant(imagesPerSecond, digits: 3) + " img/s") }
        if finished {
            parts.append("done")
        } else if let secondsLeft {
            parts.append(TrainingProgress.duration(secondsLeft) + " left")
        }
        return parts.joined(separator: " · ")
    }

    /// A compact HTML block: a progress bar, the line of text and a loss sparkline.
    public func html() -> String {
        let percent = NumberText.fixed(fractionDone * 100, decimals: 1)
        var out = "<div class=\"morph-progress\" style=\"font-family:monospace;font-size:12px;line-height:1.5\">"
        out += "<div style=\"display:flex;align-items:center;gap:8px\">"
        out += "<div style=\"width:200px;height:8px;background:#e6e6e6;border-radius:4px;overflow:hidden\">"
        out += "<div style=\"width:\(percent)%;height:100%;background:#0072b2\"></div></div>"
        out += "<span>\(percent)%</span>"
        out += sparkline()
        out += "</div><div>\(Markup.escape(plainText()))</div></div>"
        return out
    }

    /// A tiny SVG line of the loss history (at most 200 points, evenly subsampled; on a log
    /// scale when the losses are positive and span more than a factor of ten).
    public func sparkline(width: Int = 160, height: Int = 28) -> String {
        let raw = lossHistory.filter(\.isFinite)
        guard raw.count >= 2, let rawLow = raw.min(), let rawHigh = raw.max() else { return "" }
        let logScale = rawLow > 0 && rawHigh > 10 * rawLow
        let finite = logScale ? raw.map { log10($0) } : raw
        guard let lo = finite.min(), let hi = finite.max() else { return "" }
        let n = finite.count
        let keep = min(n, 200)
        let span = hi > lo ? hi - lo : 1
        var points: [String] = []
        for k in 0..<keep {
            let i = keep == 1 ? 0 : k * (n - 1) / (keep - 1)
            let x = Double(k) / Double(max(keep - 1, 1)) * Double(width - 2) + 1
            let y = (1 - (finite[i] - lo) / span) * Double(height - 4) + 2
            points.append(_SVGWriter.n(x) + "," + _SVGWriter.n(y))
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
            + "<title>loss \(NumberText.significant(raw[0])) → \(NumberText.significant(raw[n - 1]))\(logScale ? " (log scale)" : "")</title>"
            + "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#d55e00\" stroke-width=\"1.5\"/></svg>"
    }

    /// "0:42", "12:05", "1:02:03" for a number of seconds (negative or non-finite shows "?").
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return "?" }
        let s = Int(seconds.rounded())
        let h = s / 3600, m = (s % 3600) / 60, sec = s % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
    }
}

extension MimeBundle {
    /// A bundle for a progress display (text/plain and text/html with a sparkline), meant to be
    /// shown once with a display id and then updated in place.
    public init(progress: TrainingProgress) {
        self.init(data: ["text/plain": .string(progress.plainText()), "text/html": .string(progress.html())])
    }
}
