import Glibc
import Testing
@testable import MorphEngine

/// Saving and loading models, and PyTorch weights through .npz.
struct ExperimentsArchiveTests {
    static func temporaryPath(_ name: String) -> String {
        "/tmp/morph-experiments-\(getpid())-\(name)"
    }

    @Test(arguments: ModelSpecification.architectures)
    func everyArchitectureIsBuiltFromItsSpecification(architecture: String) throws {
        let spec = ModelSpecification(architecture: architecture, latent: 4, components: 3)
        let model = try spec.makeModel()
        #expect(model.latentSize == 4)
        #expect(model.name == architecture)
        #expect(try ModelSpecification(json: spec.json) == spec)
    }

    @Test func saveThenLoadGivesIdenticalOutputsAndOptimizerState() throws {
        let spec = ModelSpecification(architecture: "AutoEncoderBN", latent: 3, seed: 2)
        let model = try spec.makeModel()
        let images = try Tensor(shape: [8, 784], scalars: (0..<(8 * 784)).map { Float($0 % 97) / 97 })
        let adam = Adam()
        try train(model, on: images, epochs: 1, batchSize: 4, optimizer: adam)
        let permutation = Array((0..<784).reversed())
        let path = Self.temporaryPath("model.morph")
        defer { unlink(path) }
        try ModelArchive(specification: spec, model: model, optimizer: adam, pixelPermutation: permutation,
                         training: .object(["epochs": .number(1)])).write(to: path)
        let loaded = try ModelArchive(contentsOf: path)
        #expect(loaded.specification == spec)
        #expect(loaded.pixelPermutation == permutation)
        #expect(loaded.training["epochs"]?.intValue == 1)
        #expect(try loaded.model.reconstruct(images) == model.reconstruct(images))
        #expect(loaded.optimizer?.stepCount == adam.stepCount)
    }

    @Test func corruptOrForeignFilesAreRejected() throws {
        let path = Self.temporaryPath("corrupt.morph")
        defer { unlink(path) }
        let model = try ModelSpecification(architecture: "AutoEncoder", latent: 2).makeModel()
        try ModelArchive(specification: ModelSpecification(architecture: "AutoEncoder", latent: 2), model: model,
                         optimizer: nil, pixelPermutation: nil).write(to: path)
        var bytes = try readFileBytes(path)
        bytes[bytes.count / 2] ^= 0xFF
        try AtomicFile.write(bytes, to: path)
        #expect(throws: (any Error).self) { try ModelArchive(contentsOf: path) }
        try Checkpoint(metadata: .object(["kind": .string("other")]), arrays: []).write(to: path)
        let error = #expect(throws: ExperimentError.self) { try ModelArchive(contentsOf: path) }
        #expect(error?.description.contains("not a saved model") == true)
        try AtomicFile.write(Array("hello".utf8), to: path)
        #expect(throws: (any Error).self) { try ModelArchive(contentsOf: path) }
    }

    @Test func weightsRoundTripThroughNpzAndMismatchesNameTheParameter() throws {
        let path = Self.temporaryPath("state.npz")
        defer { unlink(path) }
        let source = try ConvAutoEncoder(latent: 4, seed: 1)
        try ModelArchive.exportWeights(of: source, to: path)
        let target = try ConvAutoEncoder(latent: 4, seed: 9)
        let count = try ModelArchive.importWeights(into: target, from: path)
        #expect(count == source.stateEntries.count)
        let z = try Tensor(shape: [1, 4], scalars: [0.1, 0.2, -0.3, 0.4])
        #expect(try target.decode(z) == source.decode(z))
        let other = try ConvAutoEncoder(latent: 8, seed: 1)
        let error = #expect(throws: ExperimentError.self) { try ModelArchive.importWeights(into: other, from: path) }
        #expect(error?.description.contains("has shape") == true)
    }
}
