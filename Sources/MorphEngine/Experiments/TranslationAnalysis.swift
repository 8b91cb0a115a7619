/// The translation path of one image (docs/ARCHITECTURE.md, "Definitions"): the image shifted 0…K pixels, each shift
/// encoded and decoded, with the sizes of consecutive steps in latent, input and output space.
/// The article's "weakly linear" claim: for a CNN the latent steps stay even and the path straight.
public struct TranslationAnalysis: Sendable, Equatable {
    /// The shifts, in pixels, in order.
    public let shifts: [Int]
    /// ‖z_{k+1} − z_k‖₂.
    public let latentSteps: [Double]
    /// ‖x_{k+1} − x_k‖₂.
    public let inputSteps: [Double]
    /// ‖r(z_{k+1}) − r(z_k)‖₂.
    public let reconstructionSteps: [Double]

    /// The analysis of shifted inputs x_k, their codes z_k and reconstructions r(z_k), one per shift.
    public init(shifts: [Int], inputs: [[Float]], latents: [[Float]], reconstructions: [[Float]]) throws(ExperimentError) {
        guard shifts.count >= 2 else {
            throw .invalidArgument("a translation path needs at least 2 shifts, got \(shifts.count); try shifts: 0...6")
        }
        guard inputs.count == shifts.count, latents.count == shifts.count, reconstructions.count == shifts.count else {
            throw .invalidArgument("\(shifts.count) shifts need as many inputs, latents and reconstructions; got \(inputs.count), \(latents.count), \(reconstructions.count)")
        }
        self.shifts = shifts
        latentSteps = try SummaryStatistics.consecutiveDistances(latents)
        inputSteps = try SummaryStatistics.consecutiveDistances(inputs)
        reconstructionSteps = try SummaryStatistics.consecutiveDistances(reconstructions)
        latentEnds = try SummaryStatistics.distance(latents[latents.count - 1], latents[0])
    }

    /// ‖z_K − z_0‖₂.
    public let latentEnds: Double

    /// Coefficient of variation of the latent steps (0: every shift moves the code equally far).
    public var latentStepVariation: Double { SummaryStatistics.coefficientOfVariation(latentSteps) }
    /// Coefficient of variation of the reconstruction steps.
    public var reconstructionStepVariation: Double { SummaryStatistics.coefficientOfVariation(reconstructionSteps) }
    /// ‖z_K − z_0‖ / Σ ‖z_{k+1} − z_k‖: 1 when the latent path is a straight line, smaller when it bends.
    public var latentStraightness: Double {
        let total = latentSteps.reduce(0, +)
        return total > 0 ? latentEnds / total : 1
    }
}

/// Image geometry helpers for the experiments (single-channel or channel-first images).
public enum ImageShift {
    /// The image moved by (dx, dy) pixels (right and down positive), zero-filling what enters.
    ///
    /// `pixels` holds `channels` planes of `height`×`width` values, row-major.
    public static func shifted(
        _ pixels: [Float], width: Int, height: Int, channels: Int = 1, dx: Int, dy: Int
    ) throws(ExperimentError) -> [Float] {
        guard width > 0, height > 0, channels > 0, pixels.count == width * height * channels else {
            throw .invalidArgument("an image of \(channels)×\(height)×\(width) needs \(width * height * channels) values, got \(pixels.count)")
        }
        var result = [Float](repeating: 0, count: pixels.count)
        for c in 0..<channels {
            let plane = c * width * height
            for y in 0..<height {
                let (sy, yOverflow) = y.subtractingReportingOverflow(dy)
                guard !yOverflow, sy >= 0, sy < height else { continue }
                for x in 0..<width {
                    let (sx, xOverflow) = x.subtractingReportingOverflow(dx)
                    guard !xOverflow, sx >= 0, sx < width else { continue }
                    result[plane + y * width + x] = pixels[plane + sy * width + sx]
                }
            }
        }
        return result
    }
}
