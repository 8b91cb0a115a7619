import Testing
@testable import MorphEngine

/// The experiments on the engine's real models: exact Jacobians against finite differences,
/// Lemma 1 on every path, and the pixel permutation of shuffled training data.
struct ExperimentsEngineTests {
    static func images(count: Int, seed: UInt64) -> [[Float]] {
        var random = RandomGenerator(seed: seed)
        return (0..<count).map { _ in (0..<784).map { _ in Float(random.next() % 1000) / 1000 } }
    }

    @Test(arguments: ["AutoEncoder", "AutoEncoderBakeOff", "ConvAutoEncoder"])
    func jacobianMatchesFiniteDifferences(architecture: String) throws {
        let model: AutoEncoderModel = switch architecture {
        case "AutoEncoder": try AutoEncoderModel(.autoEncoder, latent: 4, seed: 1)
        case "AutoEncoderBakeOff": try AutoEncoderModel(.autoEncoderBakeOff, latent: 4, seed: 1)
        default: try AutoEncoderModel(.convAutoEncoder, latent: 4, seed: 1)
        }
        // Central differences in Float32 (h = 1e-3), compared in Frobenius norm. A ReLU unit whose
        // input lies within ±h of 0 makes the difference quotient wrong at that point (not the
        // Jacobian), so of five points at least four must agree within 10 % (a wrong layout is off by ~100 %).
        let points: [[Float]] = [[0.3, -0.2, 0.5, 0.1], [-0.6, 0.4, 0.2, -0.3], [1, 1, -1, 0.5], [0.05, -0.9, 0.3, 0.7], [-0.2, -0.2, 0.8, -0.6]]
        var agreeing = 0
        for z in points {
            let jacobian = try model.jacobians(toOriginalsAt: try Tensor(shape: [1, 4], scalars: z))
            let frobenius = Double(try jacobianNorms(jacobian).frobenius[0])
            let h: Float = 1e-3
            var difference2: Double = 0
            for e in 0..<4 {
                var plus = z, minus = z
                plus[e] += h
                minus[e] -= h
                let decoded = try Experiments.decoded(model, codes: [plus, minus])
                for p in 0..<784 {
                    let estimate = Double(decoded[0][p] - decoded[1][p]) / Double(2 * h)
                    let exact = Double(jacobian.scalars[p * 4 + e])
                    difference2 += (estimate - exact) * (estimate - exact)
                }
            }
            if difference2.squareRoot() < 0.1 * frobenius { agreeing += 1 }
        }
        #expect(agreeing >= 4, "\(agreeing) of 5 points agree")
    }

    @Test func lemma1HoldsOnUntrainedModelsPaths() throws {
        let images = Self.images(count: 2, seed: 3)
        for model in [try AutoEncoderModel(.autoEncoder, latent: 8, seed: 2) as AutoEncoderModel, try AutoEncoderModel(.convAutoEncoder, latent: 8, seed: 2)] {
            let (decoded, analysis) = try Experiments.path(model, from: images[0], to: images[1], steps: 16)
            #expect(decoded.count == 16)
            #expect(analysis.lemma1.holds, "\(model.name): \(analysis.lemma1.checks)")
        }
    }

    @Test func permutationIsUndoneOnTheWayOut() throws {
        let plain = try AutoEncoderModel(.autoEncoder, latent: 3, seed: 4)
        let shuffled = try AutoEncoderModel(.autoEncoder, latent: 3, seed: 4)
        try shuffled.adoptPixelPermutation(Array((0..<784).reversed()))
        let image = Self.images(count: 1, seed: 5)[0]
        // Encoding the original through the permutation = encoding the reversed image directly.
        #expect(try Experiments.codes(shuffled, of: [image]) == Experiments.codes(plain, of: [Array(image.reversed())]))
        let z: [[Float]] = [[0.1, 0.2, 0.3]]
        #expect(try Experiments.decoded(shuffled, codes: z)[0] == Array(try Experiments.decoded(plain, codes: z)[0].reversed()))
        #expect(throws: EngineError.self) { try shuffled.adoptPixelPermutation([0, 1]) }
        #expect(throws: EngineError.self) { try shuffled.adoptPixelPermutation(Array(repeating: 0, count: 784)) }
    }
}

/// The pixel permutation also reorders the Jacobian's rows.
struct ExperimentsPermutedJacobianTests {
    @Test func jacobianRowsFollowThePermutation() throws {
        let plain = try AutoEncoderModel(.autoEncoder, latent: 2, seed: 6)
        let shuffled = try AutoEncoderModel(.autoEncoder, latent: 2, seed: 6)
        try shuffled.adoptPixelPermutation(Array((0..<784).reversed()))
        let z = try Tensor(shape: [1, 2], scalars: [0.2, -0.1])
        let a = try plain.jacobians(toOriginalsAt: z), b = try shuffled.jacobians(toOriginalsAt: z)
        #expect(b.scalars[0] == a.scalars[783 * 2])
        #expect(b.scalars[783 * 2 + 1] == a.scalars[1])
    }
}
