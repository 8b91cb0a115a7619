/// Mean ± population standard deviation, point by point, over several equally long series
/// (e.g. ‖J‖_F along the paths of many image pairs): the band of the Jacobian-norm figure.
public struct Band: Sendable, Equatable {
    /// The mean at every position.
    public let mean: [Double]
    /// The population standard deviation at every position.
    public let standardDeviation: [Double]
    /// How many series were summarised.
    public let seriesCount: Int

    /// The band of `series`, each of the same length.
    public init(series: [[Double]]) throws(ExperimentError) {
        guard let length = series.first?.count else {
            throw .invalidArgument("a band needs at least one series")
        }
        guard series.allSatisfy({ $0.count == length }) else {
            throw .invalidArgument("every series of a band must have the same length; got lengths \(Set(series.map(\.count)).sorted())")
        }
        var mean: [Double] = []
        var sd: [Double] = []
        for i in 0..<length {
            let column = series.map { $0[i] }
            mean.append(SummaryStatistics.mean(column))
            sd.append(SummaryStatistics.populationStandardDeviation(column))
        }
        self.mean = mean
        standardDeviation = sd
        seriesCount = series.count
    }

    /// mean − sd at every position.
    public var lower: [Double] { zip(mean, standardDeviation).map { $0 - $1 } }
    /// mean + sd at every position.
    public var upper: [Double] { zip(mean, standardDeviation).map { $0 + $1 } }
}
