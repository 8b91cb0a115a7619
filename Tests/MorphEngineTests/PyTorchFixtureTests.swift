import CZlib
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

    /// A minimal reader for numpy.savez output (stored, uncompressed zip of float32 .npy files),
    /// local to the test until the io branch's reader is on main.
    static func loadNpz(_ url: URL) throws -> [String: Tensor] {
        let bytes = [UInt8](try Data(contentsOf: url))
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func u64(_ o: Int) -> Int { u32(o) | u32(o + 4) << 32 }
        var out: [String: Tensor] = [:]
        var o = 0
        while o + 30 <= bytes.count, u32(o) == 0x0403_4b50 {
            guard u16(o + 8) == 0 else { throw EngineError.invalidArgument("compressed npz entries are not supported here") }
            var size = u32(o + 18)
            let nameLength = u16(o + 26), extraLength = u16(o + 28)
            let name = String(decoding: bytes[(o + 30)..<(o + 30 + nameLength)], as: UTF8.self)
            let extra = o + 30 + nameLength
            if size == 0xFFFF_FFFF {  // zip64: sizes in the extra field
                var e = extra
                while e < extra + extraLength {
                    if u16(e) == 1 { size = u64(e + 12) }
                    e += 4 + u16(e + 2)
                }
            }
            let start = extra + extraLength
            let npy = Array(bytes[start..<(start + size)])
            out[String(name.dropLast(4))] = try parseNpy(npy, name: name)
            o = start + size
        }
        return out
    }

    static func parseNpy(_ b: [UInt8], name: String) throws -> Tensor {
        guard b.count > 10, b[0] == 0x93, b[1] == UInt8(ascii: "N") else { throw EngineError.invalidArgument("\(name) is not .npy") }
        let major = b[6]
        let headerLength = major == 1 ? Int(b[8]) | Int(b[9]) << 8 : Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
        let headerStart = major == 1 ? 10 : 12
        let header = String(decoding: b[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'<f4'"), header.contains("'fortran_order': False") else {
            throw EngineError.invalidArgument("\(name): only little-endian float32 C-order arrays here")
        }
        let shapeText = header.split(separator: "(")[1].split(separator: ")")[0]
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let data = Array(b[(headerStart + headerLength)...])
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let bits = UInt32(data[4 * i]) | UInt32(data[4 * i + 1]) << 8 | UInt32(data[4 * i + 2]) << 16 | UInt32(data[4 * i + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        return try Tensor(shape: shape, scalars: values)
    }

    /// Fashion-MNIST t10k images / 255, [10000, 784], or nil when the Debian package is absent.
    static func fashionTestImages() throws -> Tensor? {
        let path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: path), let file = gzopen(path, "rb") else { return nil }
        defer { gzclose(file) }
        var bytes = [UInt8](repeating: 0, count: 16 + 10000 * 784)
        let read = bytes.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
        guard read == Int32(bytes.count), bytes[2] == 8, bytes[3] == 3 else { return nil }
        return try Tensor(shape: [10000, 784], scalars: bytes[16...].map { Float($0) / 255 })
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
