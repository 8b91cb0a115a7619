/// How well a model reconstructs a set of images (docs/ARCHITECTURE.md, "Definitions"): the L2 recover loss is the mean
/// over images of Σ_pixels (x − r(e(x)))², the per-pixel MSE that divided by D.
public struct ReconstructionLoss: Sendable, Equatable {
    /// Σ_pixels (x − r(e(x)))² for every image, in order.
    public let perImage: [Double]
    /// D, pixels per image.
    public let pixelCount: Int

    /// The loss from per-image summed squared errors over images of `pixelCount` pixels.
    public init(perImageErrors: [Double], pixelCount: Int) throws(ExperimentError) {
        guard !perImageErrors.isEmpty else { throw .invalidArgument("a loss needs at least one image") }
        guard pixelCount > 0 else { throw .invalidArgument("images must have at least one pixel") }
        perImage = perImageErrors
        self.pixelCount = pixelCount
    }

    /// The L2 recover loss: mean over images of the summed squared error.
    public var l2RecoverLoss: Double { SummaryStatistics.mean(perImage) }
    /// Per-pixel mean squared error: the L2 recover loss over D.
    public var meanSquaredError: Double { l2RecoverLoss / Double(pixelCount) }
    /// Number of images.
    public var imageCount: Int { perImage.count }
}

/// One row of the losses table: a model's name, size, reconstruction loss and training time.
public struct LossTableRow: Sendable, Equatable {
    /// The model's name, as shown.
    public var model: String
    /// Its number of trainable parameters.
    public var parameterCount: Int
    /// Its loss on the evaluated images.
    public var loss: ReconstructionLoss
    /// Seconds spent training it (0 if untrained or closed form).
    public var trainingSeconds: Double

    /// A row from its parts.
    public init(model: String, parameterCount: Int, loss: ReconstructionLoss, trainingSeconds: Double) {
        self.model = model
        self.parameterCount = parameterCount
        self.loss = loss
        self.trainingSeconds = trainingSeconds
    }

    /// The table's column headers.
    public static let headers = ["model", "parameters", "L2 recover loss", "per-pixel MSE", "training time (s)"]

    /// The row's cells as text, in the order of `headers`.
    public var cells: [String] {
        [model, String(parameterCount), formatted(loss.l2RecoverLoss, digits: 2),
         formatted(loss.meanSquaredError, digits: 5), formatted(trainingSeconds, digits: 1)]
    }
}

/// A number with a fixed count of decimals, without Foundation's formatters.
func formatted(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (abs(value) * scale).rounded()
    guard rounded < 9e15 else { return String(value) }
    let whole = Int(rounded) / Int(scale)
    let fraction = Int(rounded) % Int(scale)
    let sign = value < 0 && rounded != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(whole) }
    let fractionText = String(fraction)
    return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
}
