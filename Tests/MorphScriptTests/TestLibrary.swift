import MorphRender
@testable import MorphScript

/// A host value like the engine's training history, to test host types end to end.
final class HistoryValue: HostValue {
    let loss: [Double]
    init(loss: [Double]) { self.loss = loss }
    var typeName: String { "History" }
    var summary: String { "History(\(loss.count) epochs, final loss \(loss.last.map(Value.format) ?? "-"))" }
    func displayBundle() -> MimeBundle {
        MimeBundle(data: ["text/html": .string("<b>history</b>")])
    }
    func element(at index: Value) throws -> Value {
        guard case .int(let i) = index, loss.indices.contains(i) else {
            throw ScriptError(kind: "IndexError", message: "no epoch \(index.repr)")
        }
        return .double(loss[i])
    }
    func elements() -> [Value]? { loss.map(Value.double) }
    func fileContents(forExtension fileExtension: String) throws -> [UInt8]? {
        fileExtension == "csv" ? Array(loss.map(Value.format).joined(separator: "\n").utf8) : nil
    }
}

/// Declarations in the style engine libraries use.
enum TestLibrary {
    static let library = Library(name: "test", builtins: [
        .function("makeHistory", returns: .host("History"), summary: "A history with three epochs.") { _ in
            .host(HistoryValue(loss: [3, 2, 1.5]))
        },
        .function("train", [
            .positional("model", .any),
            .labeled("on", .any, doc: "the training data"),
            .labeled("epochs", .int, default: .int(5), doc: "passes over the data"),
        ], returns: .host("History"), summary: "Trains a model in place.",
        doc: "Example:\n    train(conv, on: data, epochs: 5)") { call in
            let epochs = try call.arguments.int("epochs")
            guard epochs > 0 else { throw call.arguments.error("ValueError", "epochs must be positive, got \(epochs)", at: "epochs") }
            return .host(HistoryValue(loss: (0..<epochs).map { 1.0 / Double($0 + 1) }))
        },
        .function("interpolate", [
            .positional("model", .any), .labeled("from", .any), .labeled("to", .any),
            .labeled("steps", .int, default: .int(10)),
        ], returns: .string, summary: "Morphs between two images.") { _ in .string("from-to") },
        .function("interpolate", [
            .positional("model", .any), .labeled("pairs", .array),
        ], returns: .string, summary: "Morphs between pairs of images.") { _ in .string("pairs") },
        .property(of: HistoryValue.self, on: "History", "loss", returns: .array(of: .double), summary: "Loss per epoch.") { h in
            .array(h.loss.map(Value.double))
        },
        .property(of: HistoryValue.self, on: "History", "epochs", returns: .int, summary: "Number of epochs.") { h in
            .int(h.loss.count)
        },
        .function("fail", summary: "Throws a non-script error, like an engine failure.") { _ in
            throw TestEngineError()
        },
    ], types: [TypeDoc(name: "History", summary: "Losses recorded by train(…).")])
}

struct TestEngineError: Error, CustomStringConvertible {
    var description: String { "the engine failed" }
}
