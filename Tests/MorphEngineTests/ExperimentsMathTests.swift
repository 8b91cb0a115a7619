import Testing
@testable import MorphEngine

/// Eigen-decomposition, Jacobian norms and summary statistics used by the experiments.
struct ExperimentsMathTests {
    @Test func eigenDecompositionOfKnownMatrix() throws {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 with vectors (1, 1)/√2 and (1, −1)/√2.
        let d = try SymmetricEigenDecomposition(symmetric: [2, 1, 1, 2], size: 2)
        #expect(abs(d.values[0] - 3) < 1e-12)
        #expect(abs(d.values[1] - 1) < 1e-12)
        let s = 0.5.squareRoot()
        #expect(abs(d.vectors[0][0] - s) < 1e-12 && abs(d.vectors[0][1] - s) < 1e-12)
        #expect(abs(abs(d.vectors[1][0]) - s) < 1e-12 && abs(d.vectors[1][0] + d.vectors[1][1]) < 1e-12)
    }

    @Test func eigenDecompositionSatisfiesDefinition() throws {
        var random = RandomGenerator(seed: 7)
        let n = 12
        var b = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { b[i] = Double(random.next() % 2001) / 1000 - 1 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = b[i * n + j] + b[j * n + i] } }
        let d = try SymmetricEigenDecomposition(symmetric: a, size: n)
        #expect(d.values == d.values.sorted(by: >))
        for (value, vector) in zip(d.values, d.vectors) {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-10)
            for i in 0..<n {
                let av = (0..<n).reduce(0) { $0 + a[i * n + $1] * vector[$1] }
                #expect(abs(av - value * vector[i]) < 1e-9)
            }
        }
        let trace = (0..<n).reduce(0) { $0 + a[$1 * n + $1] }
        #expect(abs(d.values.reduce(0, +) - trace) < 1e-9)
    }

    @Test func eigenDecompositionRejectsBadInput() {
        #expect(throws: ExperimentError.self) { try SymmetricEigenDecomposition(symmetric: [1, 2, 3], size: 2) }
        #expect(throws: ExperimentError.self) { try SymmetricEigenDecomposition(symmetric: [.nan, 0, 0, 1], size: 2) }
    }

    @Test func jacobianNormsOfKnownMatrix() throws {
        // J = [[3, 0], [0, 4], [0, 0]]: ‖J‖_F = 5, σ_max = 4, ‖J (1, 0)‖ = 3.
        let j = try DecoderJacobian(pixelCount: 3, latentCount: 2, entries: [3, 0, 0, 4, 0, 0])
        #expect(abs(j.frobeniusNorm - 5) < 1e-12)
        #expect(abs(j.largestSingularValue - 4) < 1e-9)
        #expect(abs(try j.normOfProduct(with: [1, 0]) - 3) < 1e-12)
        let s = 0.5.squareRoot()
        #expect(abs(try j.normOfProduct(with: [s, s]) - (12.5).squareRoot()) < 1e-9)
        #expect(j.pixelSensitivities == [3, 4, 0])
        #expect(throws: ExperimentError.self) { try j.normOfProduct(with: [1, 0, 0]) }
    }

    @Test func rankOneJacobianHasSingularValueEqualToFrobenius() throws {
        // J = a bᵀ has one singular value ‖a‖‖b‖, so σ_max = ‖J‖_F.
        let a: [Float] = [1, 2, 3, 4, 5], b: [Float] = [0.5, -1, 2]
        let entries = a.flatMap { x in b.map { x * $0 } }
        let j = try DecoderJacobian(pixelCount: 5, latentCount: 3, entries: entries)
        #expect(abs(j.largestSingularValue - j.frobeniusNorm) < 1e-5 * j.frobeniusNorm)
        #expect(j.largestSingularValue <= j.frobeniusNorm + 1e-9)
    }

    @Test func tangentLayoutIsTransposed() throws {
        // Tangents: row e = ∂r/∂z_e over 3 pixels.
        let j = try DecoderJacobian(tangents: [1, 2, 3, 4, 5, 6], latentCount: 2, pixelCount: 3)
        #expect(j.entries == [1, 4, 2, 5, 3, 6])
        #expect(throws: ExperimentError.self) { try DecoderJacobian(pixelCount: 3, latentCount: 2, entries: [1]) }
    }

    @Test func summaryStatistics() throws {
        #expect(SummaryStatistics.mean([1, 2, 3, 6]) == 3)
        #expect(SummaryStatistics.populationStandardDeviation([2, 4, 4, 4, 5, 5, 7, 9]) == 2)
        #expect(SummaryStatistics.coefficientOfVariation([2, 4, 4, 4, 5, 5, 7, 9]) == 0.4)
        #expect(SummaryStatistics.coefficientOfVariation([0, 0]) == 0)
        #expect(SummaryStatistics.totalVariation([1, 3, 2, 2]) == 3)
        #expect(try SummaryStatistics.distance([0, 3], [4, 0]) == 5)
        #expect(throws: ExperimentError.self) { try SummaryStatistics.distance([0], [1, 2]) }
        #expect(try SummaryStatistics.consecutiveDistances([[0, 0], [3, 4], [3, 4]]) == [5, 0])
    }

    @Test func formattingWithFixedDecimals() {
        #expect(formatted(15.316, digits: 2) == "15.32")
        #expect(formatted(0.00123, digits: 5) == "0.00123")
        #expect(formatted(-2.5, digits: 1) == "-2.5")
        #expect(formatted(7, digits: 0) == "7")
        #expect(formatted(.nan, digits: 2) == "nan")
    }
}
