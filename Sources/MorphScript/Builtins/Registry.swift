// The registry: every builtin function, method and property is declared once, as a
// `Builtin`, and that one declaration drives calls (overloads chosen by label set),
// argument checking ("did you mean"), completion, inspection and `help`.
//
// HOW TO ADD BUILTINS (e.g. engine functions in a new file):
//
//   1. Create Sources/MorphScript/Builtins/<Topic>Library.swift with
//
//        extension Library {
//            /// Datasets and models.
//            static let engine = Library(name: "engine", builtins: [
//                .function("train", [
//                    .positional("model", .host("Model")),
//                    .labeled("on", .either(.host("Dataset"), .host("Split"))),
//                    .labeled("epochs", .int, default: .int(5)),
//                ], returns: .host("History"),
//                summary: "Trains a model in place and returns its loss history.",
//                doc: "Example:\n    let h = train(conv, on: data, epochs: 5)") { call in
//                    let model = try call.arguments.host("model", as: ModelValue.self)
//                    let epochs = try call.arguments.int("epochs")
//                    return try call.context.engine { .host(try model.train(epochs: epochs)) }
//                },
//                // Overloads: declare the same name again with another label set.
//                // Members of host values:
//                .property(of: HistoryValue.self, on: "History", "loss",
//                          returns: .array(of: .double), summary: "Loss per epoch.") { h in
//                    .array(h.loss.map { .double($0) })
//                },
//            ], types: [TypeDoc(name: "History", summary: "Losses recorded by train(…).")])
//        }
//
//   2. Add `.engine` to `Library.standard` in Libraries.swift (one line).
//
// HOST VALUE TYPES: a class conforming to `HostValue` (HostValue.swift) gives its
// `typeName`, optional `conformances` (e.g. ["Model"] so members declared on "Model" and
// parameters typed `.host("Model")` accept it), a one-line `summary`, and optionally
// `displayBundle()` (rich result), `element(at:)` (subscripts), `elements()` (for-in) and
// `fileContents(forExtension:)` (export). Its members are `.property`/`.method` entries
// with `on: typeName`; add a `TypeDoc` so `help(value)` and inspection describe the type.
// Completion after `x.` uses the declared `returns:` type names, so declare them exactly
// (`.host("History")`, `.array(of: .host("Image"))`).
//
// BODIES may throw anything: a `ScriptError` reaches the user as is (placed at the call
// unless it has a place), `Interrupted` becomes kind "Interrupted", any other error kind
// "EngineError" with its description. Use `call.arguments.error(kind, message, at: name)`
// to point the caret at an argument, `call.context.engine("ValueError") { … }` to choose
// the kind for engine errors, `call.context.checkCancellation()` in long loops, and
// `call.context.display(bundle, id:)` / `updateDisplay(_:id:)` / `newDisplayID()` for
// live progress. Validate before calling into the engine: a trap kills the kernel.
// A mutating method (`mutating: true`) may replace `call.receiver`; the interpreter writes
// it back to the variable (which must be a `var`).

/// A named group of builtin declarations, kept in one file.
public struct Library: Sendable {
    /// The group's name (for documentation).
    public var name: String
    /// Its functions, methods and properties.
    public var builtins: [Builtin]
    /// Documentation of the types it introduces (for `help(Type)` and inspection).
    public var types: [TypeDoc]
    /// File writers for `export`, tried before the display-bundle fallback.
    public var exporters: [Exporter]

    /// A library from its declarations.
    public init(name: String, builtins: [Builtin], types: [TypeDoc] = [], exporters: [Exporter] = []) {
        self.name = name
        self.builtins = builtins
        self.types = types
        self.exporters = exporters
    }
}

/// A value type's documentation.
public struct TypeDoc: Sendable {
    /// The type name (`Dataset`).
    public var name: String
    /// One line saying what it is.
    public var summary: String

    /// A type doc from its parts.
    public init(name: String, summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// Writes a value's file form for `export(x, to: path)`: given the value and the file
/// extension (lowercased, without the dot), returns the bytes or nil when it does not apply.
public struct Exporter: Sendable {
    /// What it writes (for messages).
    public var name: String
    /// The writer.
    public var contents: @Sendable (Value, String) throws -> [UInt8]?

    /// An exporter from its parts.
    public init(name: String, contents: @escaping @Sendable (Value, String) throws -> [UInt8]?) {
        self.name = name
        self.contents = contents
    }
}

/// Every builtin of a session, indexed for calls, completion and inspection.
public final class Registry {
    /// Function name → overloads, in declaration order.
    public private(set) var functions: [String: [Builtin]] = [:]
    /// Type name → member name → overloads.
    public private(set) var members: [String: [String: [Builtin]]] = [:]
    /// Type name → documentation.
    public private(set) var types: [String: TypeDoc] = [:]
    /// Export writers, in registration order.
    public private(set) var exporters: [Exporter] = []
    /// Function names, sorted (for completion).
    public private(set) var sortedFunctionNames: [String] = []

    /// A registry holding `libraries`.
    public init(libraries: [Library]) {
        for library in libraries { add(library) }
    }

    /// Adds a library's declarations (later overloads are tried after earlier ones).
    public func add(_ library: Library) {
        for builtin in library.builtins { register(builtin) }
        for type in library.types { types[type.name] = type }
        exporters += library.exporters
    }

    /// Adds one declaration.
    public func register(_ builtin: Builtin) {
        if let receiver = builtin.receiver {
            members[receiver, default: [:]][builtin.name, default: []].append(builtin)
        } else {
            if functions[builtin.name] == nil {
                let index = sortedFunctionNames.firstIndex { $0 > builtin.name } ?? sortedFunctionNames.count
                sortedFunctionNames.insert(builtin.name, at: index)
            }
            functions[builtin.name, default: []].append(builtin)
        }
    }

    /// The overloads of member `name` for a value whose member types are `typeNames`.
    public func member(_ name: String, of typeNames: [String]) -> [Builtin]? {
        for type in typeNames {
            if let found = members[type]?[name] { return found }
        }
        return nil
    }

    /// Every member name → first declaration for `typeNames`, most specific first.
    public func allMembers(of typeNames: [String]) -> [(String, Builtin)] {
        var seen = Set<String>()
        var result: [(String, Builtin)] = []
        for type in typeNames {
            guard let table = members[type] else { continue }
            for name in table.keys.sorted() where !seen.contains(name) {
                seen.insert(name)
                if let first = table[name]?.first { result.append((name, first)) }
            }
        }
        return result
    }
}
