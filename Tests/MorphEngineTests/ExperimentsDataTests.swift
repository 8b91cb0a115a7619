import Testing
@testable import MorphEngine

/// Pair sampling, bands, translation paths, losses, tracking and the latent projection.
struct ExperimentsDataTests {
    static let labels = [0, 1, 0, 1, 2, 0, 1, 1, 0, 0, 1, 2]

    @Test func pairsAreSeededWithinAndAcrossClasses() throws {
        let pairs = try ClassPairs(labels: Self.labels, count: 6, seed: 42)
        #expect(pairs.classes == [0, 1])
        #expect(pairs.within.count == 6 && pairs.across.count == 6)
        for (k, pair) in pairs.within.enumerated() {
            #expect(pair.first != pair.second)
            #expect(Self.labels[pair.first] == Self.labels[pair.second])
            #expect(Self.labels[pair.first] == pairs.classes[k % 2])
        }
        for pair in pairs.across {
            #expect(Self.labels[pair.first] == 0 && Self.labels[pair.second] == 1)
        }
        #expect(try ClassPairs(labels: Self.labels, count: 6, seed: 42) == pairs)
        #expect(try ClassPairs(labels: Self.labels, count: 6, seed: 43) != pairs)
        #expect(Set(pairs.within + pairs.across).count == 12)
    }

    @Test func pairsHonourNamedClassesAndRejectTooFewExamples() throws {
        let pairs = try ClassPairs(labels: Self.labels, classes: [1, 2], count: 3, seed: 0)
        #expect(pairs.across.allSatisfy { Self.labels[$0.first] == 1 && Self.labels[$0.second] == 2 })
        let single = try ClassPairs(labels: [3, 3, 3], count: 2, seed: 0)
        #expect(single.classes == [3] && single.across.isEmpty && single.within.count == 2)
        #expect(throws: ExperimentError.self) { try ClassPairs(labels: [0, 1, 1], count: 2, seed: 0) }
        #expect(throws: ExperimentError.self) { try ClassPairs(labels: Self.labels, classes: [1, 1], count: 2, seed: 0) }
    }

    @Test func bandIsMeanAndPopulationDeviationPerPosition() throws {
        let band = try Band(series: [[1, 2, 3], [3, 2, 5]])
        #expect(band.mean == [2, 2, 4])
        #expect(band.standardDeviation == [1, 0, 1])
        #expect(band.lower == [1, 2, 3] && band.upper == [3, 2, 5])
        #expect(band.seriesCount == 2)
        #expect(throws: ExperimentError.self) { try Band(series: [[1], [1, 2]]) }
        #expect(throws: ExperimentError.self) { try Band(series: []) }
    }

    @Test func shiftingMovesPixelsAndZeroFills() throws {
        let image: [Float] = [1, 2, 3,
                              4, 5, 6]
        #expect(try ImageShift.shifted(image, width: 3, height: 2, dx: 1, dy: 0) == [0, 1, 2, 0, 4, 5])
        #expect(try ImageShift.shifted(image, width: 3, height: 2, dx: -1, dy: 1) == [0, 0, 0, 2, 3, 0])
        #expect(try ImageShift.shifted(image, width: 3, height: 2, dx: 5, dy: 0) == [0, 0, 0, 0, 0, 0])
        #expect(throws: ExperimentError.self) { try ImageShift.shifted(image, width: 2, height: 2, dx: 1, dy: 0) }
    }

    @Test func translationStepsAndStraightness() throws {
        // Codes on a straight line with equal steps: straightness 1, variation 0.
        let analysis = try TranslationAnalysis(
            shifts: [0, 1, 2],
            inputs: [[0, 0], [1, 0], [1, 1]],
            latents: [[0], [2], [4]],
            reconstructions: [[0, 0], [0, 3], [4, 3]])
        #expect(analysis.latentSteps == [2, 2])
        #expect(analysis.inputSteps == [1, 1])
        #expect(analysis.reconstructionSteps == [3, 4])
        #expect(analysis.latentStraightness == 1)
        #expect(analysis.latentStepVariation == 0)
        let bent = try TranslationAnalysis(shifts: [0, 1, 2], inputs: [[0], [0], [0]], latents: [[0, 0], [1, 0], [1, 1]], reconstructions: [[0], [0], [0]])
        #expect(abs(bent.latentStraightness - 2.0.squareRoot() / 2) < 1e-12)
        #expect(throws: ExperimentError.self) { try TranslationAnalysis(shifts: [0], inputs: [[0]], latents: [[0]], reconstructions: [[0]]) }
    }

    @Test func reconstructionLossIsMeanSummedSquaredError() throws {
        let loss = try ReconstructionLoss(perImageErrors: [1, 3], pixelCount: 4)
        #expect(loss.l2RecoverLoss == 2)
        #expect(loss.meanSquaredError == 0.5)
        #expect(throws: ExperimentError.self) { try ReconstructionLoss(perImageErrors: [], pixelCount: 4) }
        // Through a model: PCA of rank-1 data reconstructs it exactly, so every error is ~0.
        let images = try Tensor(shape: [6, 784], scalars: (0..<6).flatMap { k in (0..<784).map { Float(k) * Float($0 % 7) / 50 } })
        let pca = try AutoEncoderModel(.pca, latent: 1)
        try train(pca, on: images, epochs: 1)
        let fitted = try Experiments.reconstructionLoss(pca, on: Experiments.rows(images))
        #expect(fitted.imageCount == 6 && fitted.l2RecoverLoss < 1e-6)
        let row = LossTableRow(model: "AutoEncoder", parameterCount: 25_888, loss: loss, trainingSeconds: 3.25)
        #expect(row.cells == ["AutoEncoder", "25888", "2.00", "0.50000", "3.3"] || row.cells == ["AutoEncoder", "25888", "2.00", "0.50000", "3.2"])
        #expect(LossTableRow.headers.count == row.cells.count)
    }

    @Test func exampleLossHistoryKeepsOneSeriesPerExample() throws {
        var history = ExampleLossHistory(examples: ["test[0]", "test[5]"])
        try history.record([10, 20])
        try history.record([8, 15])
        #expect(history.epochCount == 2)
        #expect(try history.series(forExample: 1) == [20, 15])
        #expect(throws: ExperimentError.self) { try history.record([1]) }
        #expect(throws: ExperimentError.self) { try history.series(forExample: 2) }
    }

    @Test func projectionFindsThePrincipalAxes() throws {
        // Codes spread along (1, 1, 0) with a little along (0, 0, 1).
        var codes: [[Float]] = []
        for i in -5...5 {
            let s = Float(i)
            codes.append([s + 3, s + 3, i % 2 == 0 ? 0.1 : -0.1])
        }
        let projection = try CodeProjection(codes: codes)
        let r = 0.5.squareRoot()
        #expect(abs(projection.axes[0][0] - r) < 1e-9 && abs(projection.axes[0][1] - r) < 1e-9)
        #expect(abs(abs(projection.axes[1][2]) - 1) < 1e-9)
        #expect(projection.explainedVariance[0] > 0.99)
        #expect(abs(projection.x.reduce(0, +)) < 1e-9)
        #expect(abs(projection.x[10] - 5 * 2.0.squareRoot()) < 1e-5)
        let line = try CodeProjection(codes: [[1], [2], [3]])
        #expect(line.y == [0, 0, 0] && line.explainedVariance == [1, 0])
        #expect(throws: ExperimentError.self) { try CodeProjection(codes: [[1, 2], [1]]) }
    }
}
