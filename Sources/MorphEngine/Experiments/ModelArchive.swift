import MorphJSON

/// A model saved with everything needed to use it and resume training: its definition,
/// weights and buffers (PyTorch state_dict names), Adam's state, the pixel permutation of its
/// training data and its training record. Stored as a versioned, checksummed `Checkpoint`,
/// written atomically.
public struct ModelArchive {
    /// The format tag in the checkpoint metadata.
    public static let kind = "morph-model"

    /// The model, with its weights, optimiser, pixel order and training record.
    public var model: AutoEncoderModel

    /// An archive of `model`.
    public init(model: AutoEncoderModel) {
        self.model = model
    }

    /// The training record as JSON.
    static func json(_ record: TrainingRecord) -> JSON {
        var object: [String: JSON] = [
            "epochs": JSON(record.epochs), "batches": JSON(record.batches), "seconds": JSON(record.seconds),
            "fitted": .bool(record.fitted),
        ]
        object["data"] = record.data.map { .string($0) } ?? .null
        return .object(object)
    }

    /// A training record read back (values out of range count as none).
    static func record(_ json: JSON?) -> TrainingRecord {
        var record = TrainingRecord()
        record.epochs = max(0, json?["epochs"]?.intValue ?? 0)
        record.batches = max(0, json?["batches"]?.intValue ?? 0)
        record.seconds = json?["seconds"]?.doubleValue.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? 0
        record.data = json?["data"]?.stringValue
        record.fitted = json?["fitted"]?.boolValue ?? false
        return record
    }

    /// The checkpoint holding this archive.
    public func checkpoint() -> Checkpoint {
        var arrays: [NamedArray] = model.stateDict().map {
            NamedArray(name: "model." + $0.name, array: NumericArray(shape: $0.tensor.shape, scalars: $0.tensor.scalars))
        }
        let optimizer = model.optimizer as? Adam
        if let optimizer {
            for (name, tensor) in optimizer.state.sorted(by: { $0.key < $1.key }) {
                arrays.append(NamedArray(name: "adam." + name, array: NumericArray(shape: tensor.shape, scalars: tensor.scalars)))
            }
        }
        if let p = model.pixelPermutation {
            arrays.append(NamedArray(name: "pixelPermutation", array: NumericArray(shape: [p.count], scalars: p.map(Float.init))))
        }
        var metadata: [String: JSON] = [
            "kind": .string(Self.kind), "definition": model.definition.json, "training": Self.json(model.record),
        ]
        if let optimizer { metadata["adam"] = .object(["learningRate": .number(Double(optimizer.learningRate))]) }
        return Checkpoint(metadata: .object(metadata), arrays: arrays)
    }

    /// Writes the archive to `path` atomically.
    public func write(to path: String) throws {
        try checkpoint().write(to: path)
    }

    /// Reads an archive, rebuilding the model and loading its weights; a checkpoint of another
    /// kind or with missing or misshapen arrays is rejected with the reason.
    public init(contentsOf path: String) throws {
        try self.init(checkpoint: try Checkpoint(contentsOf: path), name: path)
    }

    /// Rebuilds a saved model from a checkpoint already read; `name` stands for it in errors.
    public init(checkpoint: Checkpoint, name path: String) throws {
        guard checkpoint.metadata["kind"]?.stringValue == Self.kind,
              let description = checkpoint.metadata["definition"] ?? checkpoint.metadata["model"] else {
            throw ExperimentError.invalidArgument("\(path) is a Morph checkpoint but not a saved model (save one with save(model, to:))")
        }
        let model = try AutoEncoderModel(try ModelDefinition(json: description))
        var state: [String: Tensor] = [:]
        var adam: [String: Tensor] = [:]
        var permutation: [Int]?
        for item in checkpoint.arrays {
            let tensor = try Tensor(shape: item.array.shape, scalars: item.array.scalars)
            if item.name.hasPrefix("model.") {
                state[String(item.name.dropFirst(6))] = tensor
            } else if item.name.hasPrefix("adam.") {
                adam[String(item.name.dropFirst(5))] = tensor
            } else if item.name == "pixelPermutation" {
                let indices = item.array.scalars.compactMap { Int(exactly: $0) }
                guard indices.count == model.dataSize, Set(indices) == Set(0..<model.dataSize) else {
                    throw ExperimentError.invalidArgument("\(path): the saved pixel permutation does not rearrange the model's \(model.dataSize) pixels")
                }
                permutation = indices
            }
        }
        try model.load(stateDict: Dictionary(state.map { (Self.currentName(of: $0.key), $0.value) }, uniquingKeysWith: { a, _ in a }))
        if !adam.isEmpty {
            let rate = Float(checkpoint.metadata["adam"]?["learningRate"]?.doubleValue ?? 1e-3)
            guard rate > 0, rate.isFinite else {
                throw ExperimentError.invalidArgument("\(path): the saved learning rate \(rate) is not a positive number")
            }
            let restored = Adam(learningRate: rate)
            try restored.restore(adam)
            model.optimizer = restored
        }
        try model.adoptPixelPermutation(permutation)
        model.record = Self.record(checkpoint.metadata["training"])
        self.init(model: model)
    }

    /// Writes the model's weights as a PyTorch state_dict in NumPy .npz form (PyTorch names and layouts).
    public static func exportWeights(of model: AutoEncoderModel, to path: String) throws {
        let arrays = model.stateDict().map {
            NamedArray(name: $0.name, array: NumericArray(shape: $0.tensor.shape, scalars: $0.tensor.scalars))
        }
        try NumPy.writeArchive(arrays, to: path)
    }

    /// The state_dict name an older file's name stands for: "enc."/"dec." prefixes become
    /// "encoder."/"decoder.", and the second-order decoder's "linear.weight", "linear.bias" and
    /// "quadratic.weight" become "weight", "bias" and "quadratic".
    static func currentName(of name: String) -> String {
        var result = name
        if result.hasPrefix("enc.") { result = "encoder." + result.dropFirst(4) }
        if result.hasPrefix("dec.") { result = "decoder." + result.dropFirst(4) }
        switch result {
        case "decoder.linear.weight": return "decoder.weight"
        case "decoder.linear.bias": return "decoder.bias"
        case "decoder.quadratic.weight": return "decoder.quadratic"
        default: return result
        }
    }

    /// Loads a PyTorch state_dict saved with `numpy.savez` into `model`; returns how many arrays
    /// were loaded.
    ///
    /// Arrays match by key ("encoder.0.weight"), or by the older "enc."/"dec." keys, or, when
    /// the keys are of neither form, in order (the file's n-th array to the model's n-th entry).
    /// Every shape is checked before anything changes; a mismatch names the key and both shapes.
    @discardableResult
    public static func importWeights(into model: AutoEncoderModel, from path: String) throws -> Int {
        let arrays = try NumPy.readArchive(from: path).filter { !$0.name.hasSuffix("num_batches_tracked") }
        let entries = model.stateEntries.filter { !$0.name.hasSuffix("num_batches_tracked") }
        let byName = Dictionary(arrays.map { (currentName(of: $0.name), $0) }, uniquingKeysWith: { first, _ in first })
        let matchedByName = entries.allSatisfy { byName[$0.name] != nil }
        if !matchedByName {
            let missing = entries.filter { byName[$0.name] == nil }.map(\.name)
            guard arrays.count == entries.count else {
                throw ExperimentError.invalidArgument("\(path) has no array for \(missing.prefix(4).joined(separator: ", "))\(missing.count > 4 ? ", …" : "") and holds \(arrays.count) arrays where \(model.name) has \(entries.count) parameters and buffers (\(entries.map(\.name).joined(separator: ", ")))")
            }
        }
        var loaded: [(Parameter, Tensor)] = []
        for (k, entry) in entries.enumerated() {
            let source = matchedByName ? byName[entry.name] : arrays[k]
            guard let source else { continue }
            let expected = entry.tensor.value.shape
            guard source.array.shape == expected else {
                throw ExperimentError.invalidArgument("\(entry.name) of \(model.name) has shape \(expected), but \(path) gives \(source.name) the shape \(source.array.shape)")
            }
            loaded.append((entry.tensor, try Tensor(shape: source.array.shape, scalars: source.array.scalars)))
        }
        // Only change the model once every array has been checked.
        for (parameter, tensor) in loaded { parameter.value = tensor }
        return loaded.count
    }
}
