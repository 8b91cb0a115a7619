import Foundation
import Testing
@testable import MorphEngine

/// A network built from layers, pinned to PyTorch (Tests/Fixtures/pytorch-composed, see its
/// README): weights imported by their PyTorch keys, then the loss, the codes, the decoding and
/// ‖J‖_F along a path to float32 precision.
@Suite("PyTorch fixture: a composed autoencoder reproduces PyTorch's numbers")
struct PyTorchComposedFixtureTests {
    struct Reference: Decodable {
        let keys: [String]
        let loss_first_64: Double
        let z_first_2: [[Float]]
        let r_first_image_first_8: [Float]
        let t: [Double]
        let fro_per_point: [Float]
        let J_at_t0_row_400: [Float]
    }

    /// The composition as a cell would write it.
    static let definition = ModelDefinition(
        encoder: .sequential([
            .conv2d(ConvolutionSpec(1, 4, kernel: 4, stride: 2, padding: 1)), .relu,
            .conv2d(ConvolutionSpec(4, 8, kernel: 4, stride: 2, padding: 1)), .batchNorm(features: 8), .leakyRelu(slope: 0.2),
            .flatten, .linear(inputs: 392, outputs: 6, bias: true),
        ]),
        decoder: .sequential([
            .linear(inputs: 6, outputs: 392, bias: true), .tanh, .reshape([8, 7, 7]),
            .convTranspose2d(ConvolutionSpec(8, 4, kernel: 4, stride: 2, padding: 1)), .relu,
            .convTranspose2d(ConvolutionSpec(4, 1, kernel: 3, stride: 2, padding: 1, outputPadding: 1)), .sigmoid,
        ]))

    @Test func importedByKeyItGivesPyTorchsLossCodesAndJacobians() throws {
        let directory = repositoryFixture("pytorch-composed")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/composed-reference.json")))
        let model = try AutoEncoderModel(Self.definition)
        #expect(model.stateEntries.map(\.name) == reference.keys)
        let loaded = try ModelArchive.importWeights(into: model, from: directory + "/composed-state.npz")
        #expect(loaded == reference.keys.count - 1)  // num_batches_tracked is not a weight

        let idx = try IDX.read(from: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
        let images = try Tensor(shape: [64, 784], scalars: idx.values.prefix(64 * 784).map { Float($0) / 255 })
        let loss = try meanReconstructionLoss(model, on: images)
        #expect(abs(Double(loss) - reference.loss_first_64) <= 1e-5 * reference.loss_first_64, "loss \(loss) vs \(reference.loss_first_64)")
        let z = try model.encode(images.samples(0..<2))
        #expect(GradientCheck.relativeError(z.scalars, reference.z_first_2.flatMap { $0 }, floor: 0) < 1e-5)
        let r = try model.decode(z)
        #expect(GradientCheck.relativeError(Array(r.scalars.prefix(8)), reference.r_first_image_first_8, floor: 0) < 1e-5)

        let z0 = Tensor(reference.z_first_2[0]), z1 = Tensor(reference.z_first_2[1])
        let path = try Tensor.stack(reference.t.map { t in try (z0 * Float(1 - t)) + (z1 * Float(t)) })
        let jacobians = try jacobian(of: model, at: path)
        let norms = try jacobianNorms(jacobians)
        for (mine, theirs) in zip(norms.frobenius, reference.fro_per_point) {
            #expect(abs(mine - theirs) <= 1e-5 * theirs, "‖J‖_F \(mine) vs PyTorch \(theirs)")
        }
        let row = Array(jacobians.scalars[(400 * 6)..<(401 * 6)])
        #expect(GradientCheck.relativeError(row, reference.J_at_t0_row_400, floor: 1e-9) < 1e-4, "J[400, :] \(row) vs \(reference.J_at_t0_row_400)")
    }
}
