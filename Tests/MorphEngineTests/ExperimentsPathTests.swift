import Glibc
import Testing
@testable import MorphEngine

/// Path analysis and Lemma 1 on decoders whose Jacobian is known in closed form.
struct ExperimentsPathTests {
    /// A small dense matrix with entries in [−1, 1], seeded.
    static func matrix(rows: Int, columns: Int, seed: UInt64) -> [Float] {
        var random = RandomGenerator(seed: seed)
        return (0..<(rows * columns)).map { _ in Float(Int(random.next() % 2001) - 1000) / 1000 }
    }

    /// r(z) = W z + b (PCA-like), with Jacobian W.
    struct LinearDecoder {
        let w: [Float], b: [Float], pixels: Int, latent: Int
        func decode(_ z: [Float]) -> [Float] {
            (0..<pixels).map { p in b[p] + (0..<latent).reduce(0) { $0 + w[p * latent + $1] * z[$1] } }
        }
        func jacobian(_ z: [Float]) -> [Float] { w }
    }

    /// r(z) = sigmoid(W z + b), with Jacobian diag(s(1 − s)) W (a shallow autoencoder's decoder).
    struct SigmoidDecoder {
        let w: [Float], b: [Float], pixels: Int, latent: Int
        func preactivation(_ z: [Float]) -> [Float] {
            (0..<pixels).map { p in b[p] + (0..<latent).reduce(0) { $0 + w[p * latent + $1] * z[$1] } }
        }
        func decode(_ z: [Float]) -> [Float] { preactivation(z).map { 1 / (1 + expf(-$0)) } }
        func jacobian(_ z: [Float]) -> [Float] {
            let s = decode(z)
            var entries = [Float](repeating: 0, count: pixels * latent)
            for p in 0..<pixels { for e in 0..<latent { entries[p * latent + e] = s[p] * (1 - s[p]) * w[p * latent + e] } }
            return entries
        }
    }

    /// Per-point Jacobians (each D×E, row-major) as one tensor [T, D, E].
    static func stacked(_ jacobians: [[Float]], pixels: Int, latent: Int) throws -> Tensor {
        try Tensor(shape: [jacobians.count, pixels, latent], scalars: jacobians.flatMap { $0 })
    }

    /// ‖J u‖ for a D×E Jacobian and a direction of E values.
    static func normOfProduct(_ j: [Float], _ u: [Double], latent: Int) -> Double {
        var sum = 0.0
        for p in 0..<(j.count / latent) {
            var dot = 0.0
            for e in 0..<latent { dot += Double(j[p * latent + e]) * u[e] }
            sum += dot * dot
        }
        return sum.squareRoot()
    }

    @Test func linearDecoderMakesLemma1TightAndStepsEven() throws {
        let decoder = LinearDecoder(w: Self.matrix(rows: 50, columns: 4, seed: 1), b: Self.matrix(rows: 50, columns: 1, seed: 2), pixels: 50, latent: 4)
        let path = try LatentPath(from: [1, -2, 0.5, 3], to: [-1, 1, 2, 0], count: 16)
        let points = path.points
        let analysis = try PathAnalysis(path: path, jacobians: Self.stacked(points.map(decoder.jacobian), pixels: decoder.pixels, latent: decoder.latent), decoded: points.map(decoder.decode))
        #expect(analysis.positions.first == 0 && analysis.positions.last == 1)
        #expect(analysis.stepLengths.count == 15)
        #expect(analysis.stepVariation < 1e-4)
        // Constant Jacobian: ‖Δr‖ = ‖Δz‖‖W u‖ exactly; Frobenius and σ_max constant.
        let lemma = analysis.lemma1
        #expect(lemma.holds)
        #expect(abs(lemma.endpointDistance - lemma.directionalBound) < 1e-4 * lemma.endpointDistance)
        #expect(abs(lemma.stepLengthSum - lemma.endpointDistance) < 1e-4 * lemma.endpointDistance)
        #expect(Set(analysis.frobeniusNorms).count == 1)
        #expect(analysis.largestSingularValues.allSatisfy { $0 <= analysis.frobeniusNorms[0] + 1e-9 })
        #expect(analysis.directionalNorms.allSatisfy { $0 <= analysis.largestSingularValues[0] + 1e-6 })
        #expect(lemma.checks.count == 4)
        #expect(lemma.checks.allSatisfy { $0.ratio >= 1 - 1e-4 })
    }

    @Test func sigmoidDecoderSatisfiesLemma1AndItsJacobianMatchesTheSteps() throws {
        let decoder = SigmoidDecoder(w: Self.matrix(rows: 784, columns: 8, seed: 3), b: Self.matrix(rows: 784, columns: 1, seed: 4), pixels: 784, latent: 8)
        let path = try LatentPath(from: [2, -1, 0, 1, 3, -2, 0.5, 1], to: [-2, 1, 1, -1, 0, 2, -0.5, 0], count: 64)
        let points = path.points
        let analysis = try PathAnalysis(path: path, jacobians: Self.stacked(points.map(decoder.jacobian), pixels: decoder.pixels, latent: decoder.latent), decoded: points.map(decoder.decode))
        let lemma = analysis.lemma1
        #expect(lemma.holds, "\(lemma.checks)")
        #expect(lemma.endpointDistance <= lemma.stepLengthSum)
        #expect(lemma.directionalBound <= lemma.frobeniusBound)
        // Jensen: (mean ‖J‖_F)² ≤ mean ‖J‖_F².
        #expect(lemma.frobeniusBound * lemma.frobeniusBound <= lemma.squaredFrobeniusBound * (1 + 1e-12))
        // With 64 points the polyline's length is the integral of ‖J u‖ to within a few per cent.
        #expect(abs(lemma.stepLengthSum - lemma.directionalBound) < 0.03 * lemma.directionalBound)
        // Each step ≈ ‖Δz‖/(T−1) · ‖J u‖ at the step's midpoint, checking J against the decoder itself.
        for i in 0..<(path.count - 1) {
            let mid = decoder.jacobian(path.point(at: (path.positions[i] + path.positions[i + 1]) / 2))
            let predicted = path.length / Double(path.count - 1) * Self.normOfProduct(mid, path.direction, latent: 8)
            #expect(abs(analysis.stepLengths[i] - predicted) < 0.01 * predicted + 1e-6)
        }
    }

    @Test func aWrongJacobianFailsTheCheck() throws {
        // A decoder that moves while its reported Jacobian is zero violates Lemma 1: the check can fail.
        let decoder = LinearDecoder(w: Self.matrix(rows: 10, columns: 2, seed: 5), b: [Float](repeating: 0, count: 10), pixels: 10, latent: 2)
        let path = try LatentPath(from: [0, 0], to: [1, 1], count: 8)
        let zero = try Tensor.zeros([8, 10, 2])
        let analysis = try PathAnalysis(path: path, jacobians: zero, decoded: path.points.map(decoder.decode))
        #expect(!analysis.lemma1.holds)
        #expect(analysis.lemma1.checks[0].holds)  // the triangle inequality needs no Jacobian
        #expect(!analysis.lemma1.checks[1].holds)
    }

    @Test func theArticleFormIsReportedNotChecked() throws {
        // The article's ‖Δr‖² ≤ E·mean ‖J‖_F² drops ‖Δz‖²: a long path breaks it while Lemma 1 holds.
        let decoder = LinearDecoder(w: Self.matrix(rows: 20, columns: 2, seed: 6), b: [Float](repeating: 0, count: 20), pixels: 20, latent: 2)
        let path = try LatentPath(from: [-10, -10], to: [10, 10], count: 4)
        let analysis = try PathAnalysis(path: path, jacobians: Self.stacked(path.points.map(decoder.jacobian), pixels: decoder.pixels, latent: decoder.latent), decoded: path.points.map(decoder.decode))
        #expect(analysis.lemma1.holds)
        #expect(analysis.lemma1.squaredEndpointDistance > analysis.lemma1.articleBound)
    }

    @Test func coincidentEndsGiveZeroDirectionAndHold() throws {
        let decoder = LinearDecoder(w: Self.matrix(rows: 6, columns: 3, seed: 8), b: [Float](repeating: 0.5, count: 6), pixels: 6, latent: 3)
        let path = try LatentPath(from: [1, 2, 3], to: [1, 2, 3], count: 5)
        let analysis = try PathAnalysis(path: path, jacobians: Self.stacked(path.points.map(decoder.jacobian), pixels: decoder.pixels, latent: decoder.latent), decoded: path.points.map(decoder.decode))
        #expect(analysis.directionalNorms.allSatisfy { $0 == 0 })
        #expect(analysis.stepVariation == 0)
        #expect(analysis.lemma1.holds)
    }

    @Test func badPathsAreRejected() throws {
        #expect(throws: ExperimentError.self) { try LatentPath(from: [0, 0], to: [1], count: 4) }
        #expect(throws: ExperimentError.self) { try LatentPath(from: [0], to: [1], count: 1) }
        #expect(throws: ExperimentError.self) { try LatentPath(from: [.nan], to: [1], count: 3) }
        let path = try LatentPath(from: [0], to: [1], count: 3)
        let two = try Tensor(repeating: 1, shape: [2, 2, 1]), three = try Tensor(repeating: 1, shape: [3, 2, 1])
        #expect(throws: ExperimentError.self) { try PathAnalysis(path: path, jacobians: two, decoded: [[0, 0], [1, 1], [2, 2]]) }
        #expect(throws: ExperimentError.self) { try PathAnalysis(path: path, jacobians: three, decoded: [[0, 0], [1], [2, 2]]) }
    }
}
