// libFuzzer target for the builtins: every function, method and property a session registers,
// called with arguments the input picks from a pool of extreme and malformed values (Int.min and
// Int.max, ±9e18, NaN, ±inf, empty and huge arrays and ranges, wrong types, deep nesting, odd
// strings, engine values of every type). Each input gets a fresh session with a tiny dataset and
// model (the prelude), a step limit, a small memory budget, a scratch working directory, no
// dataset downloads and a stub answering input(); every call must return or throw, never trap.
// Built by scripts/fuzz.sh against the modules fuzz/Cells/modules lists.
//
// Input bytes, read in order (a missing byte reads as 0): a call count, then for each call its
// builtin (and receiver), and for each parameter a choice (well-typed pool value, any pool
// value, left out, mislabelled) and the value. MORPH_FUZZ_VERBOSE=1 prints each cell and outcome.

import Dispatch
import Glibc
import MorphEngine
import MorphRender
import MorphScript

/// The cell that defines the values the calls use; small, so every input runs fast.
let prelude = """
    let data = dataset("synthetic", classes: [0, 1], train: 8, test: 4)
    let split = data.test[0..<2]
    let image = data.test[0]
    let model = AutoEncoder(latent: 2)
    let layer = Linear(2, 784)
    let history = train(model, on: data, epochs: 1, batchSize: 4)
    let route = path(model, from: data.test[0], to: data.test[1], steps: 3)
    let control = slider(min: 0, max: 3, value: 1)
    var list = [1, 2.5, "s"]
    var text = "abc"
    """

/// The variables of the prelude, tried as receivers of methods and properties.
let receivers = ["data", "split", "image", "model", "layer", "history", "route", "control", "list", "text"]

/// Argument expressions: extremes, malformed values and every type.
let pool: [String] = [
    // Ints
    "0", "1", "-1", "2", "3", "7", "28", "784", "4096", "1000000", "2147483648", "4294967296",
    "9223372036854775807", "-9223372036854775807 - 1", "-9223372036854775807",
    // Doubles, non-finite ones included
    "0.5", "-0.5", "0.0", "-0.0", "2.0", "784.0", "1e-300", "9e18", "-9e18", "9.3e18", "-9.3e18", "1e308", "-1e308",
    "(1e308 * 10)", "(-1e308 * 10)", "(1e308 * 10 - 1e308 * 10)",
    // Bools and strings (file names are removed before every input)
    "true", "false", "\"\"", "\"a\"", "\"f.png\"", "\"f.svg\"", "\"f.json\"", "\"f.npz\"", "\"m.morph\"", "\"f.csv\"",
    "\"f.html\"", "\"f.txt\"", "\"synthetic\"", "\"mnist\"", "\"flow\"", "\"encoder\"", "\"sse\"", "\"relative\"",
    "\"elbo\"", "\"é😀\"", "\"/nonexistent/x.png\"", "\"..\"", "\".\"",
    // Arrays: empty, extreme, nested, mixed, huge
    "[]", "[0]", "[1, 2]", "[-1, 0]", "[0, 1]", "[2, 2]", "[1, 28, 28]", "[784]", "[1, 2, 3, 4]",
    "[0, -9223372036854775807 - 1]", "[9223372036854775807, 9223372036854775807]", "[4294967296, 4294967296]",
    "[9e18, -9e18]", "[1e308 * 10, 0]", "[1e308 * 10 - 1e308 * 10]", "[[1, 2], [3]]", "[[[[[[[[[[[[1]]]]]]]]]]]]",
    "[\"a\", 1]", "[model, model]", "[image, image]", "[layer]", "[ReLU(), layer]", "[data]", "[split, image]",
    "stride(from: 0, to: 1000, by: 1)", "stride(from: 0, to: 100000, by: 1)",
    // Ranges
    "0..<0", "0..<2", "0...3", "-9e18..<9e18", "(-9223372036854775807 - 1)...9223372036854775807", "..<2", "1...",
    // Engine values and functions
    "data", "data.train", "data.test", "split", "image", "model", "layer", "history", "route", "control",
    "list", "text", "print", "Linear(784, 2)", "Sequential([])", "Flatten()",
]

/// A stub answering every input() with the same line.
final class StubInput: InputReader {
    func readLine(prompt: String, password: Bool) throws -> String { "3" }
}

/// Drops every output (the bundles are still built).
final class NullSink: OutputSink {
    func write(_ text: String, to stream: MorphScript.OutputStream) {}
    func display(_ bundle: MimeBundle, displayID: String?) {}
    func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
    func clearOutput(wait: Bool) {}
}

/// Everything fixed across inputs: the directory, the builtins, which pool values each
/// parameter accepts, which receivers each member applies to.
struct Setup {
    let directory: String
    /// Every builtin, functions first, in a fixed order.
    let builtins: [(name: String, builtin: Builtin)]
    /// Pool indices accepted by each builtin's parameters (by builtin, then parameter).
    let accepted: [[[Int]]]
    /// Receiver variables whose type has each builtin (empty for free functions).
    let receiverNames: [[String]]

    /// Whether to print each cell and its outcome (MORPH_FUZZ_VERBOSE=1, for reading what runs).
    let verbose = getenv("MORPH_FUZZ_VERBOSE") != nil

    static let shared = Setup()

    init() {
        setenv("MORPH_MNIST_DOWNLOAD", "0", 1)
        var template = Array("/tmp/morph-fuzz-cells-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        setenv("MORPH_DATA", directory, 1)
        atexit {
            clean(Setup.shared.directory)
            rmdir(Setup.shared.directory)
        }
        MemoryBudget.limit = 768 << 20

        let session = Session()
        let context = makeContext(directory: directory, cancellation: CancellationToken())
        do {
            _ = try session.execute(prelude, in: context)
        } catch {
            fatalError("the fuzzer's prelude fails: \(error)")
        }
        var values: [Value?] = []
        for (i, expression) in pool.enumerated() {
            _ = try? session.execute("let pool\(i) = \(expression)", in: context)
            values.append(session.value(of: "pool\(i)"))
        }
        var builtins: [(String, Builtin)] = []
        for name in session.registry.functions.keys.sorted() {
            for builtin in session.registry.functions[name] ?? [] { builtins.append((name, builtin)) }
        }
        for type in session.registry.members.keys.sorted() {
            let table = session.registry.members[type] ?? [:]
            for name in table.keys.sorted() {
                for builtin in table[name] ?? [] { builtins.append((name, builtin)) }
            }
        }
        self.builtins = builtins
        accepted = builtins.map { _, builtin in
            builtin.parameters.map { parameter in
                values.indices.filter { values[$0].map(parameter.type.accepts) ?? false }
            }
        }
        receiverNames = builtins.map { _, builtin in
            guard let type = builtin.receiver else { return [] }
            return receivers.filter { session.value(of: $0)?.memberTypeNames.contains(type) ?? false }
        }
    }
}

/// A context for one input: the scratch directory, a step limit, no output.
func makeContext(directory: String, cancellation: CancellationToken) -> ExecutionContext {
    ExecutionContext(output: NullSink(), input: StubInput(), cancellation: cancellation,
                     workingDirectory: directory, executionCount: 1, stepLimit: 20_000)
}

/// The cell calling one builtin, with arguments read from `input`.
func cell(for index: Int, _ setup: Setup, _ input: inout Bytes) -> String? {
    let (name, builtin) = setup.builtins[index]
    var callee = name
    if builtin.receiver != nil {
        guard let receiver = input.pick(setup.receiverNames[index]) else { return nil }
        callee = "\(receiver).\(name)"
        if builtin.kind == .property { return callee }
    }
    var arguments: [String] = []
    for (p, parameter) in builtin.parameters.enumerated() {
        // 26 in 32: a value of the parameter's type; 3: any value; 1 each: mislabelled, left out.
        let choice = input.next() % 32
        if choice == 31 || (choice == 30 && parameter.isOptional) { continue }
        let count = parameter.isVariadic ? input.next() % 4 : 1
        for _ in 0..<count {
            let value = (choice < 26 ? input.pick(setup.accepted[index][p]) : nil).map { pool[$0] } ?? input.pick(pool) ?? "0"
            let label = choice == 29 ? "wrong: " : parameter.label.map { "\($0): " } ?? ""
            arguments.append(label + value)
        }
    }
    return "\(callee)(\(arguments.joined(separator: ", ")))"
}

/// Removes what earlier inputs wrote, so each input starts from the same directory.
func clean(_ directory: String) {
    guard let handle = opendir(directory) else { return }
    defer { closedir(handle) }
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if name != "." && name != ".." { unlink(directory + "/" + name) }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCells(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let setup = Setup.shared
    var input = Bytes(bytes: data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    clean(setup.directory)
    let cancellation = CancellationToken()
    // Builtins that run long must stop at an interrupt: the deadline is that interrupt.
    DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(3)) { cancellation.cancel() }
    let context = makeContext(directory: setup.directory, cancellation: cancellation)
    let session = Session()
    do {
        _ = try session.execute(prelude, in: context)
    } catch {
        fatalError("the fuzzer's prelude fails: \(error)")
    }
    for _ in 0..<(1 + input.next() % 6) where !input.isAtEnd {
        guard let index = input.pick(Array(setup.builtins.indices)), let code = cell(for: index, setup, &input) else { continue }
        let outcome = Result { () throws(ScriptError) in try session.execute(code, in: context) }
        if setup.verbose {
            if case .failure(let error) = outcome { print(code, "→", error.kind, error.message) } else { print(code, "→ ok") }
        }
        if cancellation.isCancelled { break }
    }
    return 0
}
