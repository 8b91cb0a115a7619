/// Small statistics shared by the experiments, computed in Double.
public enum SummaryStatistics {
    /// The arithmetic mean; 0 for an empty list.
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The population standard deviation (divisor n); 0 for an empty list.
    public static func populationStandardDeviation(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let m = mean(values)
        let sumOfSquares = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (sumOfSquares / Double(values.count)).squareRoot()
    }

    /// Population standard deviation over the mean: how uneven the values are.
    ///
    /// 0 when every value is 0 (perfectly even), and 0 for an empty list.
    public static func coefficientOfVariation(_ values: [Double]) -> Double {
        let m = mean(values)
        guard m != 0 else { return 0 }
        return populationStandardDeviation(values) / abs(m)
    }

    /// The total variation Σ |v_{i+1} − v_i| of a sampled series.
    public static func totalVariation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        var total = 0.0
        for i in 1..<values.count { total += abs(values[i] - values[i - 1]) }
        return total
    }

    /// The Euclidean norm of a vector, accumulated in Double.
    public static func norm(_ v: [Float]) -> Double {
        var sum = 0.0
        for x in v { sum += Double(x) * Double(x) }
        return sum.squareRoot()
    }

    /// The Euclidean distance ‖a − b‖₂ of two equally long vectors, accumulated in Double.
    public static func distance(_ a: [Float], _ b: [Float]) throws(ExperimentError) -> Double {
        guard a.count == b.count else {
            throw .invalidArgument("cannot compare vectors of \(a.count) and \(b.count) values; they must have the same size")
        }
        return squaredDistance(unchecked: a, b).squareRoot()
    }

    /// The squared Euclidean distance of two equally long vectors (sizes already checked).
    static func squaredDistance(unchecked a: [Float], _ b: [Float]) -> Double {
        var sum = 0.0
        for i in 0..<min(a.count, b.count) {
            let d = Double(a[i]) - Double(b[i])
            sum += d * d
        }
        return sum
    }

    /// Distances between consecutive vectors of a sequence: ‖v_{k+1} − v_k‖₂ (count − 1 values).
    public static func consecutiveDistances(_ sequence: [[Float]]) throws(ExperimentError) -> [Double] {
        guard sequence.count > 1 else { return [] }
        var result: [Double] = []
        result.reserveCapacity(sequence.count - 1)
        for k in 1..<sequence.count {
            result.append(try distance(sequence[k], sequence[k - 1]))
        }
        return result
    }
}
