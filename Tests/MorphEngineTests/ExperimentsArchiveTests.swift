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

    /// Checksummed files whose contents were changed (what the archive fuzzer does): each is
    /// rejected with an error, and the untouched checkpoint still loads.
    @Test func alteredContentsBehindAValidChecksumAreErrors() throws {
        let model = try AutoEncoderModel(.autoEncoder, latent: 2)
        let original = ModelArchive(model: model).checkpoint()
        #expect(try ModelArchive(checkpoint: original, name: "m.morph").model.latentSize == 2)
        var alterations: [(String, (inout Checkpoint) -> Void)] = [
            ("huge input", { $0.metadata["definition"]?["input"] = [1, 9e15, 9e15] }),
            ("negative seed", { $0.metadata["definition"]?["seed"] = -1 }),
            ("no decoder", { $0.metadata["definition"]?["decoder"] = nil }),
            ("no definition", { $0.metadata["definition"] = nil }),
            ("transposed weight", { $0.arrays[0].array.shape.reverse() }),
            ("flat weight", { $0.arrays[0].array.shape = [$0.arrays[0].array.scalars.count] }),
            ("empty weight", { $0.arrays[0].array = NumericArray(shape: [0], scalars: []) }),
            ("missing weight", { $0.arrays.removeFirst() }),
            ("duplicate permutation", {
                $0.arrays.append(NamedArray(name: "pixelPermutation", array: NumericArray(shape: [784], scalars: Array(repeating: 3, count: 784))))
            }),
            ("permutation past the pixels", {
                $0.arrays.append(NamedArray(name: "pixelPermutation", array: NumericArray(shape: [784], scalars: (1...784).map(Float.init))))
            }),
        ]
        alterations.append(("Adam state of another shape", {
            $0.arrays.append(NamedArray(name: "adam.m.encoder.0.weight", array: NumericArray(shape: [3], scalars: [1, 2, 3])))
            $0.metadata["adam"] = ["learningRate": 1e300]
        }))
        for (name, alter) in alterations {
            var checkpoint = original
            alter(&checkpoint)
            let decoded = try Checkpoint(decoding: try checkpoint.encoded(), name: "m.morph")
            #expect(throws: (any Error).self, "\(name)") { try ModelArchive(checkpoint: decoded, name: "m.morph") }
        }
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
