import Foundation
import Testing
@testable import MorphEngine

/// The pinned PyTorch reference in Tests/Fixtures/pytorch-autoencoder (see its README).
enum PyTorchFixture {
    static let directory = URL(fileURLWithPath: repositoryFixture("pytorch-autoencoder"))

    /// The state_dict arrays of the .npz, read by the engine's own NumPy reader.
    static func loadNpz(_ url: URL) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for named in try NumPy.readArchive(from: url.path) {
            out[named.name] = try Tensor(shape: named.array.shape, scalars: named.array.scalars)
        }
        return out
    }

    /// Fashion-MNIST t10k images / 255, [10000, 784], read by the engine's IDX reader from the
    /// Debian package the test command installs.
    static func fashionTestImages() throws -> Tensor {
        let idx = try IDX.read(from: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
        try #require(idx.shape == [10000, 28, 28])
        return try Tensor(shape: [10000, 784], scalars: idx.values.map { Float($0) / 255 })
    }
}

@Suite("PyTorch fixture: the shallow AutoEncoder reproduces PyTorch's numbers")
struct PyTorchFixtureTests {
    struct PathReference: Decodable {
        let t: [Double], z1: [Float], z2: [Float]
        let fro_per_point: [Float], step_dist_per_point: [Float]
        let J_at_t0_first_row: [Float], r_z1_first_8: [Float]
        let test_loss: Double
    }

    /// The shallow AutoEncoder with the fixture's weights, imported by their "enc."/"dec." keys.
    func loaded() throws -> (AutoEncoderModel, PathReference) {
        let model = try AutoEncoderModel(.autoEncoder, latent: 16)
        let count = try ModelArchive.importWeights(into: model, from: PyTorchFixture.directory.appendingPathComponent("autoencoder-fashion-e10.npz").path)
        #expect(count == 4)
        let json = try Data(contentsOf: PyTorchFixture.directory.appendingPathComponent("autoencoder-path.json"))
        return (model, try JSONDecoder().decode(PathReference.self, from: json))
    }

    @Test func jacobianNormsAlongThePathAndReconstruction() throws {
        let (model, ref) = try loaded()
        let z1 = Tensor(ref.z1), z2 = Tensor(ref.z2)
        let path = try Tensor.stack(ref.t.map { t in try (z1 * Float(1 - t)) + (z2 * Float(t)) })
        let jac = try jacobian(of: model, at: path)
        let norms = try jacobianNorms(jac)
        for (mine, theirs) in zip(norms.frobenius, ref.fro_per_point) {
            #expect(abs(mine - theirs) <= 2e-5 * theirs, "‖J‖_F \(mine) vs PyTorch \(theirs)")
        }
        let r = try model.decode(try path.reshaped([64, 16]))
        for i in 0..<63 {
            let step = try (r.samples((i + 1)..<(i + 2)) - r.samples(i..<(i + 1))).norm()
            #expect(abs(step - ref.step_dist_per_point[i]) <= 1e-4 * ref.step_dist_per_point[i] + 1e-6)
        }
        let row0 = Array(jac.scalars[0..<16])
        for (mine, theirs) in zip(row0, ref.J_at_t0_first_row) {
            #expect(abs(mine - theirs) <= 1e-4 * abs(theirs) + 1e-9, "J[0, :] \(mine) vs \(theirs)")
        }
        let rz1 = try model.decode(try z1.reshaped([1, 16]))
        for (mine, theirs) in zip(rz1.scalars.prefix(8), ref.r_z1_first_8) {
            #expect(abs(mine - theirs) <= 1e-4 * abs(theirs) + 1e-9, "r(z1) \(mine) vs \(theirs)")
        }
    }

    @Test func testLossOnFashionMNIST() throws {
        let (model, ref) = try loaded()
        let images = try PyTorchFixture.fashionTestImages()
        let loss = try meanReconstructionLoss(model, on: images)
        #expect(abs(Double(loss) - ref.test_loss) < 1e-3, "L2 recover loss \(loss) vs PyTorch \(ref.test_loss)")
        let z = try model.encode(images.samples(0..<2))
        #expect(GradientCheck.relativeError(z.scalars, ref.z1 + ref.z2) < 1e-5)
    }
}
