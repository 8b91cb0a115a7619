import Glibc
import Testing
@testable import MorphEngine

/// A closed-form autoencoder: e(x) = P x (P: E×D), r(z) = sigmoid(W z + b), whose Jacobian
/// diag(s(1 − s)) W is known; built from layers with these weights.
enum SigmoidAutoEncoder {
    static func make(pixels: Int, latent: Int, seed: UInt64) throws -> AutoEncoderModel {
        let model = try AutoEncoderModel(ModelDefinition(
            encoder: .linear(inputs: pixels, outputs: latent, bias: false),
            decoder: .sequential([.linear(inputs: latent, outputs: pixels, bias: true), .sigmoid]), inputShape: [pixels]))
        let p = ExperimentsPathTests.matrix(rows: latent, columns: pixels, seed: seed).map { $0 / Float(pixels).squareRoot() }
        let w = ExperimentsPathTests.matrix(rows: pixels, columns: latent, seed: seed + 1)
        let b = ExperimentsPathTests.matrix(rows: pixels, columns: 1, seed: seed + 2)
        try model.load(stateDict: [
            "encoder.weight": try Tensor(shape: [latent, pixels], scalars: p),
            "decoder.0.weight": try Tensor(shape: [pixels, latent], scalars: w), "decoder.0.bias": try Tensor(shape: [pixels], scalars: b),
        ])
        return model
    }
}

/// The experiment runners on a model whose every quantity is known in closed form.
struct ExperimentsRunnerTests {
    /// A fresh model each time (models are reference types; tests run in parallel).
    static var model: AutoEncoderModel {
        get throws { try SigmoidAutoEncoder.make(pixels: 64, latent: 4, seed: 11) }
    }
    static let images: [[Float]] = (0..<20).map { (k: Int) -> [Float] in
        let scale: Float = k % 2 == 0 ? 1 : 0.5
        return (0..<64).map { (i: Int) -> Float in Float((i * 7 + k * 13) % 17) / 16 * scale }
    }
    static let labels = (0..<20).map { $0 % 2 }

    @Test func interpolationStartsAndEndsAtTheReconstructions() throws {
        let strip = try Experiments.interpolation(Self.model, from: Self.images[0], to: Self.images[1], steps: 10)
        #expect(strip.count == 10)
        let ends = try Experiments.reconstructions(Self.model, of: [Self.images[0], Self.images[1]])
        #expect(strip[0] == ends[0])
        #expect(zip(strip[9], ends[1]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func pathAnalysisHoldsLemma1() throws {
        let (decoded, analysis) = try Experiments.path(Self.model, from: Self.images[2], to: Self.images[5], steps: 32)
        #expect(decoded.count == 32)
        #expect(analysis.frobeniusNorms.count == 32 && analysis.stepLengths.count == 31)
        #expect(analysis.lemma1.holds)
    }

    @Test func jacobianNormStudyGivesBandsWithinAndAcross() throws {
        var reported: [[Int]] = []
        let study = try Experiments.jacobianNormStudy(
            Self.model, images: Self.images, labels: Self.labels, pairs: 3, steps: 8, seed: 0,
            progress: { reported.append([$0, $1]) })
        #expect(study.within.count == 3 && study.across.count == 3)
        #expect(study.withinBand?.mean.count == 8 && study.acrossBand?.mean.count == 8)
        #expect(study.positions.count == 8)
        #expect(study.lemma1Holds)
        #expect(reported.last == [6, 6])
        let again = try Experiments.jacobianNormStudy(Self.model, images: Self.images, labels: Self.labels, pairs: 3, steps: 8, seed: 0)
        #expect(again == study)
    }

    @Test func cancellationStopsAStudy() throws {
        let token = CancellationToken()
        token.cancel()
        #expect(throws: Interrupted.self) {
            try Experiments.jacobianNormStudy(Self.model, images: Self.images, labels: Self.labels, pairs: 3, steps: 8, seed: 0, cancellation: token)
        }
    }

    @Test func lossProjectionMapAndTranslation() throws {
        let loss = try Experiments.reconstructionLoss(Self.model, on: Self.images)
        #expect(loss.imageCount == 20 && loss.l2RecoverLoss > 0)
        let projection = try Experiments.latentProjection(Self.model, of: Self.images)
        #expect(projection.x.count == 20)
        let map = try Experiments.jacobianMap(Self.model, at: Self.images[0])
        #expect(map.count == 64 && map.allSatisfy { $0 >= 0 })
        let (inputs, reconstructions, analysis) = try Experiments.translation(Self.model, image: Self.images[3], width: 8, height: 8, shifts: Array(0...3))
        #expect(inputs.count == 4 && reconstructions.count == 4)
        #expect(analysis.latentSteps.count == 3)
        #expect(inputs[1][1] == Self.images[3][0] && inputs[1][0] == 0)
    }

    @Test func trainingMeterEstimatesRateAndTimeLeft() {
        var progress = TrainingMeter(epochs: 2, batchesPerEpoch: 10)
        #expect(progress.secondsLeft == nil)
        progress.recordBatch(epoch: 0, batch: 4, loss: 12.5, images: 640, elapsed: 2)
        #expect(progress.imagesPerSecond == 320)
        #expect(progress.secondsLeft == 6)  // 5 of 20 batches in 2 s
        #expect(progress.fraction == 0.25)
        #expect(progress.summary == "epoch 1/2 · batch 5/10 · loss 12.500 · 320 images/s · 6 s left")
        for k in 0..<300 { progress.recordBatch(epoch: 1, batch: 9, loss: Double(k), images: 1, elapsed: 3) }
        #expect(progress.lossCurve(points: 100).count == 100)
        #expect(TrainingMeter.duration(185) == "3 min 05 s")
        #expect(TrainingMeter.duration(3720) == "1 h 02 min")
        // Durations too long for an Int (a nearly stalled run's estimate) show as unknown.
        for seconds in [1e300, -1e300, -1, .infinity, .nan] { #expect(TrainingMeter.duration(seconds) == "?") }
        progress.recordBatch(epoch: 1, batch: 9, loss: 1, images: 1_000_000, elapsed: 1e-300)
        #expect(progress.summary.contains("? images/s"))
    }

    @Test func throttleLetsAFewUpdatesPerSecondThrough() {
        var throttle = UpdateThrottle(interval: 0.25)
        var passed = 0
        for now in stride(from: 0.0, to: 1.0, by: 0.01) where throttle.shouldUpdate(at: now) { passed += 1 }
        #expect(passed == 4 || passed == 5)
        let forced = throttle.shouldUpdate(at: 0.991, force: true)
        #expect(forced)
    }
}

/// The JSON forms carry every series.
struct ExperimentsJSONTests {
    @Test func pathJSONHoldsEverySeries() throws {
        let (_, analysis) = try Experiments.path(ExperimentsRunnerTests.model, from: ExperimentsRunnerTests.images[0], to: ExperimentsRunnerTests.images[1], steps: 5)
        let json = analysis.json
        #expect(json["t"]?.arrayValue?.count == 5)
        #expect(json["stepL2"]?.arrayValue?.count == 4)
        #expect(json["jacobianFrobeniusNorm"]?.arrayValue?.first?.doubleValue == analysis.frobeniusNorms[0])
        #expect(json["lemma1"]?["holds"]?.boolValue == true)
        #expect(json["lemma1"]?["checks"]?.arrayValue?.count == 4)
        let text = json.serialized()
        #expect(text.contains("\"largestSingularValue\""))
    }

    @Test func nonFiniteNumbersBecomeNull() throws {
        let loss = try ReconstructionLoss(perImageErrors: [1, .infinity], pixelCount: 4)
        #expect(loss.json["perImage"]?.arrayValue?[1] == .null)
        #expect(loss.json["l2RecoverLoss"] == .null)
    }
}
