// libFuzzer target for loading saved models. Small models of every kind are built and saved
// once; each input picks one and mutates what is inside it (the definition and metadata JSON,
// array names, shapes and values, the pixel permutation, Adam's state and learning rate, the
// seed), then re-encodes it, so the checksum is valid and the mutation reaches the model
// loader. Loading must give a model or throw, never trap; a loaded model must also run.
// Built by scripts/fuzz.sh against the modules fuzz/Archive/modules lists.

import Glibc
import MorphEngine
import MorphJSON
import MorphRender
import MorphScript

/// The cell that saves one model of each kind (some trained, so they hold Adam's state).
let prelude = """
    let data = dataset("synthetic", classes: [0, 1], train: 8, test: 4)
    let shallow = AutoEncoder(latent: 2)
    train(shallow, on: data, epochs: 1, batchSize: 4)
    save(shallow, to: "shallow.morph")
    let mixed = AutoEncoder(latent: 3, seed: 5)
    train(mixed, on: shuffled(data, seed: 1), epochs: 1, batchSize: 4)
    save(mixed, to: "shuffled.morph")
    save(PCA(latent: 2), to: "pca.morph")
    save(SOGAE(latent: 2), to: "sogae.morph")
    save(MixtureDecoder(latent: 2, components: 2), to: "mixture.morph")
    let vae = VAE(encoder: Sequential([Flatten(), Linear(784, 4)]), decoder: Sequential([Linear(2, 784), Sigmoid(), Reshape([1, 28, 28])]))
    train(vae, on: data, epochs: 1, batchSize: 4)
    save(vae, to: "vae.morph")
    let conv = AutoEncoder(
        encoder: Sequential([Conv2d(1, 2, kernel: 4, stride: 2, padding: 1), BatchNorm(2), ReLU(), Flatten(), Linear(392, 2)]),
        decoder: Sequential([Linear(2, 392), Reshape([2, 14, 14]), ConvTranspose2d(2, 1, kernel: 4, stride: 2, padding: 1), Sigmoid()]),
        inference: "flow", flowSteps: 2)
    train(conv, on: data, epochs: 1, batchSize: 4)
    save(conv, to: "conv.morph")
    """

let files = ["shallow", "shuffled", "pca", "sogae", "mixture", "vae", "conv"]

final class NullSink: OutputSink {
    func write(_ text: String, to stream: MorphScript.OutputStream) {}
    func display(_ bundle: MimeBundle, displayID: String?) {}
    func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
    func clearOutput(wait: Bool) {}
}

final class NoInput: InputReader {
    func readLine(prompt: String, password: Bool) throws -> String { "" }
}

/// The saved models, read once.
let seeds: [Checkpoint] = {
    MemoryBudget.limit = 768 << 20
    var template = Array("/tmp/morph-fuzz-archive-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    let context = ExecutionContext(output: NullSink(), input: NoInput(), cancellation: CancellationToken(),
                                   workingDirectory: directory, executionCount: 1)
    do {
        _ = try Session().execute(prelude, in: context)
        defer {
            for file in files { unlink("\(directory)/\(file).morph") }
            rmdir(directory)
        }
        return try files.map { try Checkpoint(contentsOf: "\(directory)/\($0).morph") }
    } catch {
        fatalError("the fuzzer's prelude fails: \(error)")
    }
}()

/// Numbers put in place of JSON values, array extents and scalars.
let numbers: [Double] = [
    0, -0.0, 1, -1, 2, 3, 0.5, 27, 28, 784, 785, 4096, 65536, 2147483648, 4294967296, 9e15, -9e15,
    9.1e15, 9.2e18, -9.3e18, 1e30, -1e30, 1e300, .infinity, -.infinity, .nan,
]
let strings = ["", "x", "morph-model", "autoEncoder", "variational", "pca", "flow", "encoder", "linear", "conv2d",
               "sequential", "reshape", "sigmoid", "model.encoder.weight", "adam.m.encoder.weight", "é"]

/// A JSON value made from the input.
func value(_ input: inout Bytes) -> JSON {
    switch input.next() % 8 {
    case 0: return .null
    case 1: return .bool(input.next() & 1 == 1)
    case 2, 3: return .number(input.element(of: numbers))
    case 4: return .string(input.element(of: strings))
    case 5: return .array((0..<(input.next() % 4)).map { _ in .number(input.element(of: numbers)) })
    case 6: return .object([:])
    default: return .array([.array([.number(input.element(of: numbers))])])
    }
}

/// `json` with the node at preorder position `target` replaced, removed (in an object) or
/// duplicated (in an array); `position` counts the nodes passed.
func mutate(_ json: JSON, at target: Int, _ position: inout Int, _ input: inout Bytes) -> JSON {
    defer { position += 1 }
    if position == target { return value(&input) }
    position += 1
    switch json {
    case .array(var items):
        for i in items.indices { items[i] = mutate(items[i], at: target, &position, &input) }
        if position == target, !items.isEmpty { items.append(items[input.next() % items.count]) }
        return .array(items)
    case .object(var fields):
        for key in fields.keys.sorted() {
            let before = position
            let changed = mutate(fields[key]!, at: target, &position, &input)
            if before <= target, target < position, input.next() % 8 == 0 {
                fields[key] = nil
            } else {
                fields[key] = changed
            }
        }
        return .object(fields)
    default:
        return json
    }
}

/// The number of nodes in `json`.
func size(_ json: JSON) -> Int {
    switch json {
    case .array(let items): return 1 + items.reduce(0) { $0 + size($1) }
    case .object(let fields): return 1 + fields.values.reduce(0) { $0 + size($1) }
    default: return 1
    }
}

/// One mutation of the checkpoint, chosen by the input.
func mutate(_ checkpoint: inout Checkpoint, _ input: inout Bytes) {
    switch input.next() % 8 {
    case 0, 1:  // the metadata: definition, seed, kinds, shapes, learning rate, record
        var position = 0
        checkpoint.metadata = mutate(checkpoint.metadata, at: input.element(of: Array(0..<size(checkpoint.metadata))), &position, &input)
    case 2:  // an array's values
        guard !checkpoint.arrays.isEmpty else { return }
        let a = input.next() % checkpoint.arrays.count
        let count = checkpoint.arrays[a].array.scalars.count
        guard count > 0 else { return }
        for _ in 0..<(1 + input.next() % 4) {
            checkpoint.arrays[a].array.scalars[input.element(of: Array(0..<count))] = Float(input.element(of: numbers))
        }
    case 3:  // an array's shape, its scalars kept consistent
        guard !checkpoint.arrays.isEmpty else { return }
        let a = input.next() % checkpoint.arrays.count
        var shape = checkpoint.arrays[a].array.shape
        switch input.next() % 4 {
        case 0: shape.reverse()
        case 1: shape.append(1)
        case 2: shape = [shape.reduce(1, *)]
        default: if !shape.isEmpty { shape.removeLast() }
        }
        let count = shape.reduce(1, *)
        var scalars = checkpoint.arrays[a].array.scalars
        if scalars.count > count { scalars.removeLast(scalars.count - count) }
        while scalars.count < count { scalars.append(0) }
        checkpoint.arrays[a].array = NumericArray(shape: shape, scalars: scalars)
    case 4:  // an array removed, renamed or duplicated
        guard !checkpoint.arrays.isEmpty else { return }
        let a = input.next() % checkpoint.arrays.count
        switch input.next() % 3 {
        case 0: checkpoint.arrays.remove(at: a)
        case 1: checkpoint.arrays[a].name = input.element(of: checkpoint.arrays).name.replacingFirst(of: input.element(of: strings))
        default:
            var copy = checkpoint.arrays[a]
            copy.name = input.element(of: strings)
            checkpoint.arrays.append(copy)
        }
    case 5:  // the pixel permutation
        let permutation = NamedArray(name: "pixelPermutation", array: NumericArray(
            shape: [784], scalars: (0..<784).map { Float(($0 * (1 + input.next())) % 785) }))
        checkpoint.arrays.removeAll { $0.name == "pixelPermutation" }
        checkpoint.arrays.append(permutation)
    case 6:  // an empty array
        guard !checkpoint.arrays.isEmpty else { return }
        let a = input.next() % checkpoint.arrays.count
        checkpoint.arrays[a].array = NumericArray(shape: [0], scalars: [])
    default:  // an array of another model, under this one's name
        let other = input.element(of: seeds)
        guard !checkpoint.arrays.isEmpty, !other.arrays.isEmpty else { return }
        let a = input.next() % checkpoint.arrays.count
        checkpoint.arrays[a].array = input.element(of: other.arrays).array
    }
}

extension String {
    /// The text with its last dotted component replaced (`model.encoder.weight` → `model.encoder.x`).
    func replacingFirst(of replacement: String) -> String {
        guard let dot = lastIndex(of: ".") else { return replacement }
        return String(self[...dot]) + replacement
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArchive(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = Bytes(bytes: data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    var checkpoint = input.element(of: seeds)
    for _ in 0..<(1 + input.next() % 4) where !input.isAtEnd { mutate(&checkpoint, &input) }
    // Through the bytes, as a file would be: the encoding recomputes the checksum.
    guard let bytes = try? checkpoint.encoded(), let decoded = try? Checkpoint(decoding: bytes, name: "fuzz.morph") else { return 0 }
    guard let archive = try? ModelArchive(checkpoint: decoded, name: "fuzz.morph") else { return 0 }
    // A model that loaded is usable: it reconstructs an image and saves again.
    let model = archive.model
    let image = [Float](repeating: 0.5, count: model.dataSize)
    _ = try? Experiments.reconstructions(model, of: [image], cancellation: CancellationToken())
    _ = try? ModelArchive(model: model).checkpoint().encoded()
    return 0
}
