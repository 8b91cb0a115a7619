import Foundation
import Testing
@testable import MorphEngine

/// The pinned PyTorch reference in ../shared/fixtures/pytorch-autoencoder (see its README).
enum PyTorchFixture {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures/pytorch-autoencoder").standardizedFileURL

    static var isPresent: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("autoencoder-fashion-e10.npz").path)
    }

    /// The state_dict arrays of the .npz, read by the engine's own NumPy reader.
    static func loadNpz(_ url: URL) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for named in try NumPy.readArchive(from: url.path) {
            out[named.name] = try Tensor(shape: named.array.shape, scalars: named.array.scalars)
        }
        return out
    }

    /// Fashion-MNIST t10k images / 255, [10000, 784], read by the engine's IDX reader, or nil
    /// when the Debian package is absent.
    static func fashionTestImages() throws -> Tensor? {
        let path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let idx = try IDX.read(from: path)
        guard idx.shape == [10000, 28, 28] else { return nil }
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

    func loaded() throws -> (AutoEncoder, PathReference)? {
        guard PyTorchFixture.isPresent else {
            print("skipping: the PyTorch fixture is absent at \(PyTorchFixture.directory.path)")
            return nil
        }
        let model = try AutoEncoder(latent: 16)
        try model.load(stateDict: PyTorchFixture.loadNpz(PyTorchFixture.directory.appendingPathComponent("autoencoder-fashion-e10.npz")))
        let json = try Data(contentsOf: PyTorchFixture.directory.appendingPathComponent("autoencoder-path.json"))
        return (model, try JSONDecoder().decode(PathReference.self, from: json))
    }

    @Test func jacobianNormsAlongThePathAndReconstruction() throws {
        guard let (model, ref) = try loaded() else { return }
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
        guard let (model, ref) = try loaded() else { return }
        guard let images = try PyTorchFixture.fashionTestImages() else {
            print("skipping: Fashion-MNIST t10k is not installed at /usr/share/datasets/fashion-mnist")
            return
        }
        let loss = try meanReconstructionLoss(model, on: images)
        #expect(abs(Double(loss) - ref.test_loss) < 1e-3, "L2 recover loss \(loss) vs PyTorch \(ref.test_loss)")
        let z = try model.encode(images.samples(0..<2))
        #expect(GradientCheck.relativeError(z.scalars, ref.z1 + ref.z2) < 1e-5)
    }
}
