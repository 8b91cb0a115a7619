/// The straight latent path of Lemma 1's experiments: z(t) = (1 − t) z_a + t z_b at T evenly
/// spaced t in [0, 1] (t_i = i / (T − 1), both ends included).
public struct LatentPath: Sendable, Equatable {
    /// z_a, where the path starts.
    public let start: [Float]
    /// z_b, where it ends.
    public let end: [Float]
    /// The positions t_0 = 0, …, t_{T−1} = 1.
    public let positions: [Double]

    /// A path of `count` points (at least 2) between two latent codes of equal size.
    public init(from start: [Float], to end: [Float], count: Int) throws(ExperimentError) {
        guard !start.isEmpty, start.count == end.count else {
            throw .invalidArgument("the path's ends must be latent codes of the same, non-zero size; got \(start.count) and \(end.count) values")
        }
        guard count >= 2 else {
            throw .invalidArgument("a path needs at least 2 points (steps: \(count)); use steps: 64 for the article's plots")
        }
        guard start.allSatisfy({ $0.isFinite }), end.allSatisfy({ $0.isFinite }) else {
            throw .invalidArgument("a path's ends hold NaN or infinite values")
        }
        self.start = start
        self.end = end
        positions = (0..<count).map { Double($0) / Double(count - 1) }
    }

    /// T, the number of points.
    public var count: Int { positions.count }

    /// E, the latent size.
    public var latentCount: Int { start.count }

    /// z(t) at every position, in order.
    public var points: [[Float]] {
        positions.map { point(at: $0) }
    }

    /// z(t) = (1 − t) z_a + t z_b.
    public func point(at t: Double) -> [Float] {
        (0..<start.count).map { Float((1 - t) * Double(start[$0]) + t * Double(end[$0])) }
    }

    /// z_b − z_a.
    public var displacement: [Double] {
        (0..<start.count).map { Double(end[$0]) - Double(start[$0]) }
    }

    /// ‖z_b − z_a‖₂.
    public var length: Double {
        displacement.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// u = (z_b − z_a) / ‖z_b − z_a‖, the direction travelled; zero when the ends coincide.
    public var direction: [Double] {
        let l = length
        guard l > 0 else { return [Double](repeating: 0, count: start.count) }
        return displacement.map { $0 / l }
    }
}
