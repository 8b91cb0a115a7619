import Testing
@testable import MorphEngine

/// Eigen-decomposition, Jacobian norms and summary statistics used by the experiments.
struct ExperimentsMathTests {
    @Test func eigenDecompositionSatisfiesDefinition() throws {
        // LAPACK's dsyevd: ascending eigenvalues, eigenvectors as columns (the one eigen solver).
        var random = RandomGenerator(seed: 7)
        let n = 12
        var b = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { b[i] = Double(random.next() % 2001) / 1000 - 1 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = b[i * n + j] + b[j * n + i] } }
        let (values, vectors) = try symmetricEigen(a, n: n)
        #expect(values == values.sorted())
        for (k, value) in values.enumerated() {
            let vector = (0..<n).map { vectors[$0 * n + k] }
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) < 1e-10)
            for i in 0..<n {
                let av = (0..<n).reduce(0) { $0 + a[i * n + $1] * vector[$1] }
                #expect(abs(av - value * vector[i]) < 1e-9)
            }
        }
        #expect(throws: EngineError.self) { try symmetricEigen([1, 2, 3], n: 2) }
    }

    @Test func jacobianNormsOfKnownMatrices() throws {
        // J = [[3, 0], [0, 4], [0, 0]]: ‖J‖_F = 5, σ_max = 4, ‖J (1, 0)‖ = 3.
        let j = try Tensor(shape: [1, 3, 2], scalars: [3, 0, 0, 4, 0, 0])
        let norms = try jacobianNorms(j, direction: Tensor([1, 0]))
        #expect(abs(norms.frobenius[0] - 5) < 1e-6)
        #expect(abs(norms.spectral[0] - 4) < 1e-5)
        #expect(abs(norms.directional![0] - 3) < 1e-6)
        let diagonal = try jacobianNorms(j, direction: Tensor([1, 1]))
        #expect(abs(diagonal.directional![0] - Float(12.5).squareRoot()) < 1e-5)
        #expect(throws: EngineError.self) { try jacobianNorms(j, direction: Tensor([1, 0, 0])) }
        // J = a bᵀ has one singular value ‖a‖‖b‖, so σ_max = ‖J‖_F.
        let a: [Float] = [1, 2, 3, 4, 5], b: [Float] = [0.5, -1, 2]
        let rankOne = try jacobianNorms(try Tensor(shape: [1, 5, 3], scalars: a.flatMap { x in b.map { x * $0 } }))
        #expect(abs(rankOne.spectral[0] - rankOne.frobenius[0]) < 1e-5 * rankOne.frobenius[0])
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
