import Glibc
import MorphJSON
import Testing
@testable import MorphEngine

/// Saving and loading models, and PyTorch weights through .npz.
struct ExperimentsArchiveTests {
    static func temporaryPath(_ name: String) -> String {
        "/tmp/morph-experiments-\(getpid())-\(name)"
    }

    @Test(arguments: NamedModel.allCases)
    func everyNamedModelIsBuiltFromItsDefinition(named: NamedModel) throws {
        let definition = named.definition(latent: 4, seed: 3, beta: 2, components: 3, sigma: 0.5)
        let model = try AutoEncoderModel(definition)
        #expect(model.latentSize == 4)
        #expect(model.name == named.rawValue)
        #expect(try ModelDefinition(json: definition.json) == definition)
        // An older file's description (architecture and hyperparameters) names the same model.
        let legacy: JSON = .object(["architecture": .string(named.rawValue), "latent": 4, "beta": 2, "components": 3,
                                    "sigma": 0.5, "seed": 3])
        #expect(try ModelDefinition(json: legacy) == definition)
    }

    @Test func definitionsFromFilesAreCheckedLikeCells() throws {
        var json = NamedModel.autoEncoder.definition(latent: 4).json
        json["decoder"] = LayerSpec.sequential([.linear(inputs: 5, outputs: 784, bias: true)]).json
        let error = #expect(throws: NetworkError.self) { try ModelDefinition(json: json) }
        #expect(error?.message.contains("Linear(5, 784) at decoder[0] expects 5 values per sample") == true)
        var seed = NamedModel.autoEncoder.definition(latent: 4).json
        seed["seed"] = .string("-1")
        #expect(throws: NetworkError.self) { try ModelDefinition(json: seed) }
        let legacy: JSON = .object(["architecture": "AutoEncoder", "latent": 4, "seed": -1])
        #expect(throws: NetworkError.self) { try ModelDefinition(json: legacy) }
    }

    @Test func saveThenLoadGivesIdenticalOutputsAndOptimizerState() throws {
        let model = try AutoEncoderModel(.autoEncoderBN, latent: 3, seed: 2)
        let images = try Tensor(shape: [8, 784], scalars: (0..<(8 * 784)).map { Float($0 % 97) / 97 })
        let permutation = Array((0..<784).reversed())
        try model.train(TrainingData(images: images, pixelOrder: permutation, description: "counting"),
                        options: TrainingOptions(epochs: 1, batchSize: 4))
        let path = Self.temporaryPath("model.morph")
        defer { unlink(path) }
        try ModelArchive(model: model).write(to: path)
        let loaded = try ModelArchive(contentsOf: path).model
        #expect(loaded.definition == model.definition)
        #expect(loaded.pixelPermutation == permutation)
        #expect(loaded.record == model.record && loaded.record.epochs == 1 && loaded.record.data == "counting")
        #expect(try loaded.reconstruct(images) == model.reconstruct(images))
        let adam = try #require(model.optimizer as? Adam)
        #expect((loaded.optimizer as? Adam)?.state == adam.state)
    }

    @Test func corruptOrForeignFilesAreRejected() throws {
        let path = Self.temporaryPath("corrupt.morph")
        defer { unlink(path) }
        let model = try AutoEncoderModel(.autoEncoder, latent: 2)
        try ModelArchive(model: model).write(to: path)
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
        let source = try AutoEncoderModel(.convAutoEncoder, latent: 4, seed: 1)
        try ModelArchive.exportWeights(of: source, to: path)
        let target = try AutoEncoderModel(.convAutoEncoder, latent: 4, seed: 9)
        let count = try ModelArchive.importWeights(into: target, from: path)
        #expect(count == source.stateEntries.count)
        let z = try Tensor(shape: [1, 4], scalars: [0.1, 0.2, -0.3, 0.4])
        #expect(try target.decode(z) == source.decode(z))
        let other = try AutoEncoderModel(.convAutoEncoder, latent: 8, seed: 1)
        let error = #expect(throws: ExperimentError.self) { try ModelArchive.importWeights(into: other, from: path) }
        #expect(error?.description.contains("has shape") == true)
    }
}
