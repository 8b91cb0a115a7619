import MorphEngine
import MorphRender

/// One call of a builtin, as its body sees it.
public struct Invocation {
    /// The value a method or property is called on (`.none` for free functions).
    public var receiver: Value
    /// The arguments, bound to parameter names, defaults filled in.
    public var arguments: Arguments
    /// The session and host services.
    public let context: CallContext
}

/// Arguments bound to a builtin's parameters by name.
public struct Arguments {
    /// Parameter name → value (defaults included).
    public var values: [String: Value]
    /// The values of the variadic parameter, if any.
    public var variadic: [Value]
    /// Parameter name → where its argument is written (absent for defaults).
    var positions: [String: SourcePosition]
    /// The arguments a forwarding parameter took, in the order written.
    var forwarded: [EvaluatedArgument] = []

    /// Arguments from their parts.
    public init(values: [String: Value] = [:], variadic: [Value] = []) {
        self.values = values
        self.variadic = variadic
        self.positions = [:]
    }

    /// The value of parameter `name` (`.none` when absent).
    public subscript(_ name: String) -> Value { values[name] ?? .none }

    /// Whether parameter `name` was given a value other than none.
    public func has(_ name: String) -> Bool { !(values[name]?.isNone ?? true) }

    /// Parameter `name` as an Int.
    public func int(_ name: String) throws(ScriptError) -> Int {
        if case .int(let i) = self[name] { return i }
        if case .double(let d) = self[name], d.rounded() == d, abs(d) < 9.0e18 { return Int(d) }
        throw error("TypeError", "'\(name)' must be an Int, got \(self[name].typeName)", at: name)
    }

    /// Parameter `name` as a Double.
    public func double(_ name: String) throws(ScriptError) -> Double {
        guard let d = self[name].doubleValue else {
            throw error("TypeError", "'\(name)' must be a number, got \(self[name].typeName)", at: name)
        }
        return d
    }

    /// Parameter `name` as a String.
    public func string(_ name: String) throws(ScriptError) -> String {
        guard case .string(let s) = self[name] else {
            throw error("TypeError", "'\(name)' must be a String, got \(self[name].typeName)", at: name)
        }
        return s
    }

    /// Parameter `name` as a Bool.
    public func bool(_ name: String) throws(ScriptError) -> Bool {
        guard case .bool(let b) = self[name] else {
            throw error("TypeError", "'\(name)' must be a Bool, got \(self[name].typeName)", at: name)
        }
        return b
    }

    /// Parameter `name` as an array.
    public func array(_ name: String) throws(ScriptError) -> [Value] {
        guard case .array(let a) = self[name] else {
            throw error("TypeError", "'\(name)' must be an array, got \(self[name].typeName)", at: name)
        }
        return a
    }

    /// Parameter `name` as an array of Doubles.
    public func doubles(_ name: String) throws(ScriptError) -> [Double] {
        var result: [Double] = []
        for element in try array(name) {
            guard let d = element.doubleValue else {
                throw error("TypeError", "'\(name)' must hold numbers, found \(element.typeName)", at: name)
            }
            result.append(d)
        }
        return result
    }

    /// Parameter `name` as a host object of class `T`.
    public func host<T: HostValue>(_ name: String, as type: T.Type) throws(ScriptError) -> T {
        guard case .host(let object) = self[name], let typed = object as? T else {
            throw error("TypeError", "'\(name)' has the wrong type: got \(self[name].typeName)", at: name)
        }
        return typed
    }

    /// An error placed at the argument for parameter `name` (or at the call when absent).
    public func error(_ kind: String, _ message: String, at name: String, suggestion: String? = nil) -> ScriptError {
        var error = ScriptError(kind: kind, message: message, suggestion: suggestion)
        if let position = positions[name] {
            error.line = position.line
            error.column = position.column
        }
        return error
    }
}

/// What a builtin body may use beyond its arguments: the host context, the session,
/// and where the call is written.
public final class CallContext {
    /// Output, input, cancellation and working directory of this execution.
    public let execution: ExecutionContext
    /// The session running the call (variables, registry).
    public unowned let session: Session
    /// Where the call is written in the cell.
    public let position: SourcePosition

    init(execution: ExecutionContext, session: Session, position: SourcePosition) {
        self.execution = execution
        self.session = session
        self.position = position
    }

    /// Writes text to stdout.
    public func write(_ text: String, to stream: OutputStream = .stdout) {
        execution.output.write(text, to: stream)
    }

    /// Shows a bundle now (like `show`); pass a display id to update it later in place.
    public func display(_ bundle: MimeBundle, id: String? = nil) {
        execution.output.display(bundle, displayID: id)
    }

    /// Replaces what was shown under `id` (live progress: loss curves, counters).
    public func updateDisplay(_ bundle: MimeBundle, id: String) {
        execution.output.updateDisplay(bundle, displayID: id)
    }

    /// A display id unique within this session, e.g. for a progress display.
    public func newDisplayID(_ prefix: String = "morph") -> String {
        session.displayCounter += 1
        return "\(prefix)-\(execution.executionCount)-\(session.displayCounter)"
    }

    /// Throws `Interrupted` as a ScriptError when the host asked to stop.
    public func checkCancellation() throws(ScriptError) {
        if execution.cancellation.isCancelled { throw ScriptError.interrupted() }
    }

    /// Runs engine work, turning its errors into ScriptErrors of `kind` (Interrupted stays
    /// Interrupted). Bodies may also just `try` engine calls: the interpreter converts any
    /// error a body throws the same way, with kind "EngineError".
    public func engine<T>(_ kind: String = "EngineError", _ work: () throws -> T) throws(ScriptError) -> T {
        do {
            return try work()
        } catch {
            throw ScriptError.converting(error, kind: kind)
        }
    }

    /// An absolute path for `path`, resolved against the working directory when relative.
    public func resolve(path: String) -> String {
        if path.hasPrefix("/") { return path }
        let base = execution.workingDirectory
        if base.isEmpty { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}

extension ScriptError {
    /// The error an interrupt produces.
    public static func interrupted() -> ScriptError {
        ScriptError(kind: "Interrupted", message: "execution was interrupted; variables keep the values they had before this statement")
    }

    /// `error` as a ScriptError: itself, Interrupted, or `kind` with its description.
    public static func converting(_ error: any Error, kind: String = "EngineError") -> ScriptError {
        if let error = error as? ScriptError { return error }
        if error is Interrupted { return .interrupted() }
        if let engine = error as? EngineError {
            switch engine {
            case .outOfMemory, .tooLarge: return ScriptError(kind: "MemoryError", message: engine.description)
            default: break
            }
        }
        return ScriptError(kind: kind, message: String(describing: error))
    }

    /// An error placed at `position` unless it already has a place.
    func placed(at position: SourcePosition) -> ScriptError {
        guard line == nil else { return self }
        var copy = self
        copy.line = position.line
        copy.column = position.column
        return copy
    }

    /// An error at `position`.
    init(_ kind: String, _ message: String, at position: SourcePosition, suggestion: String? = nil) {
        self.init(kind: kind, message: message, line: position.line, column: position.column, suggestion: suggestion)
    }
}
