import MorphRender

/// A value the engine provides (dataset, model, history, path report, …), as the language sees it.
///
/// Conform a class to expose an engine object to cells; declare its members
/// (`data.test`, `history.loss`) with `Builtin.property` / `Builtin.method` in a `Library`
/// (see Registry.swift). Everything here except `typeName` and `summary` has a default.
public protocol HostValue: AnyObject, SendableMetatype {
    /// The type name users see (`Dataset`, `ConvAutoEncoder`, `History`); keys its members.
    var typeName: String { get }
    /// More general type names it also answers to (e.g. `["Model"]`): their members
    /// apply, and parameters of those types accept it.
    var conformances: [String] { get }
    /// One line describing this value (shown in completion, inspection and arrays).
    var summary: String { get }
    /// The rich form shown as a cell result or by `show(x)`; text/plain is added if missing.
    func displayBundle() -> MimeBundle
    /// `value[index]`; the default says the type cannot be subscripted.
    func element(at index: Value) throws -> Value
    /// The elements `for x in value` visits; nil when it cannot be iterated.
    func elements() -> [Value]?
    /// The bytes `export(x, to: path)` writes for a file extension (`png`, `svg`, `csv`, …);
    /// nil when this value has no such form (the display bundle is tried next).
    func fileContents(forExtension fileExtension: String) throws -> [UInt8]?
}

extension HostValue {
    public var conformances: [String] { [] }
    public func displayBundle() -> MimeBundle { MimeBundle(plainText: summary) }
    public func element(at index: Value) throws -> Value {
        throw ScriptError(kind: "TypeError", message: "\(typeName) cannot be subscripted")
    }
    public func elements() -> [Value]? { nil }
    public func fileContents(forExtension fileExtension: String) throws -> [UInt8]? { nil }

    /// Whether this value is of `name` (its own type or one of its conformances).
    public func isKind(of name: String) -> Bool { typeName == name || conformances.contains(name) }
}
