/// Directions to move a latent code along, with how far a set of codes spreads along each: the
/// coordinate axes when the latent has at most `limit` dimensions, otherwise the codes' top
/// `limit` principal directions. A code's coordinate along direction k is z · axes[k].
public struct LatentDirections: Sendable, Equatable {
    /// Whether the directions are principal directions (rather than the coordinate axes).
    public let arePrincipal: Bool
    /// The unit directions, each E values, most spread first when principal.
    public let axes: [[Double]]
    /// The mean code's coordinate along each direction.
    public let centres: [Double]
    /// The codes' population standard deviation along each direction.
    public let deviations: [Double]

    /// The directions of `codes` (each of the same latent size E, all finite); `limit` ≥ 1.
    public init(codes: [[Float]], limit: Int = 8) throws {
        guard limit >= 1 else { throw ExperimentError.invalidArgument("at least one direction is needed, got a limit of \(limit)") }
        let statistics = try CodeCovariance(codes: codes)
        let e = statistics.size
        if e <= limit {
            arePrincipal = false
            axes = (0..<e).map { k in (0..<e).map { $0 == k ? 1.0 : 0.0 } }
            deviations = (0..<e).map { max(0, statistics.matrix[$0 * e + $0]).squareRoot() }
        } else {
            // LAPACK's eigenvalues ascend: the top directions are the last columns.
            let (values, vectors) = try symmetricEigen(statistics.matrix, n: e)
            let top = (0..<limit).map { e - 1 - $0 }
            arePrincipal = true
            axes = top.map { column in
                // Sign fixed so each direction's largest entry is positive (reproducible sliders).
                let axis = (0..<e).map { vectors[$0 * e + column] }
                let largest = axis.max { abs($0) < abs($1) } ?? 0
                return largest < 0 ? axis.map { -$0 } : axis
            }
            deviations = top.map { max(0, values[$0]).squareRoot() }
        }
        centres = axes.map { LatentDirections.dot($0, statistics.mean) }
    }

    /// The number of directions.
    public var count: Int { axes.count }

    /// The coordinates of `code` along every direction.
    public func coordinates(of code: [Float]) -> [Double] {
        axes.map { LatentDirections.dot($0, code.map(Double.init)) }
    }

    /// `code` moved so that its coordinates become `coordinates` (its other components stay).
    public func moving(_ code: [Float], to coordinates: [Double]) throws(ExperimentError) -> [Float] {
        guard coordinates.count == count else {
            throw .invalidArgument("\(count) coordinates are needed, got \(coordinates.count)")
        }
        guard let e = axes.first?.count, code.count == e else {
            throw .invalidArgument("the code must have \(axes.first?.count ?? 0) values, got \(code.count)")
        }
        var moved = code.map(Double.init)
        let current = self.coordinates(of: code)
        for (k, axis) in axes.enumerated() {
            let shift = coordinates[k] - current[k]
            for i in 0..<e { moved[i] += shift * axis[i] }
        }
        return moved.map(Float.init)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
