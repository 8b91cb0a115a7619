/// One declared builtin: a free function (`mean`), a method (`a.append(x)`) or a property
/// (`data.test`). The same declaration drives calls, argument checking, completion,
/// inspection and `help`. See Registry.swift for how to add one.
public struct Builtin: Sendable {
    /// What sort of builtin it is.
    public enum Kind: Sendable {
        case function, method, property
    }

    /// What runs when it is called: read `invocation.arguments`, return the result
    /// (`.none` for nothing). Methods declared mutating may change `invocation.receiver`.
    public typealias Body = @Sendable (inout Invocation) throws -> Value

    /// The name users write.
    public var name: String
    /// The type whose member this is (`Array`, `Dataset`, `Model`), or nil for a free function.
    public var receiver: String?
    /// Function, method or property.
    public var kind: Kind
    /// Parameters in order.
    public var parameters: [Parameter]
    /// The result type.
    public var returns: TypeSpec
    /// One line saying what it does.
    public var summary: String
    /// A longer explanation with an example.
    public var doc: String
    /// Whether a method changes its receiver (written back to the variable).
    public var isMutating: Bool
    /// The implementation.
    public var body: Body

    /// A declaration from its parts (prefer `function`, `method`, `property`).
    public init(
        name: String, receiver: String?, kind: Kind, parameters: [Parameter], returns: TypeSpec,
        summary: String, doc: String, isMutating: Bool = false, body: @escaping Body
    ) {
        self.name = name
        self.receiver = receiver
        self.kind = kind
        self.parameters = parameters
        self.returns = returns
        self.summary = summary
        self.doc = doc
        self.isMutating = isMutating
        self.body = body
    }

    /// A free function.
    public static func function(
        _ name: String, _ parameters: [Parameter] = [], returns: TypeSpec = .none,
        summary: String, doc: String = "",
        body: @escaping @Sendable (Invocation) throws -> Value
    ) -> Builtin {
        Builtin(name: name, receiver: nil, kind: .function, parameters: parameters, returns: returns,
                summary: summary, doc: doc) { (invocation: inout Invocation) throws -> Value in
            try body(invocation)
        }
    }

    /// A method of values of type `receiver`.
    public static func method(
        on receiver: String, _ name: String, _ parameters: [Parameter] = [], returns: TypeSpec = .none,
        mutating: Bool = false, summary: String, doc: String = "", body: @escaping Body
    ) -> Builtin {
        Builtin(name: name, receiver: receiver, kind: .method, parameters: parameters, returns: returns,
                summary: summary, doc: doc, isMutating: mutating, body: body)
    }

    /// A read-only property of values of type `receiver`; `get` receives the value.
    public static func property(
        on receiver: String, _ name: String, returns: TypeSpec, summary: String, doc: String = "",
        get: @escaping @Sendable (Value) throws -> Value
    ) -> Builtin {
        Builtin(name: name, receiver: receiver, kind: .property, parameters: [], returns: returns,
                summary: summary, doc: doc) { (invocation: inout Invocation) throws -> Value in
            try get(invocation.receiver)
        }
    }

    /// A read-only property of a host class `T`; `get` receives the object.
    public static func property<T: HostValue>(
        of type: T.Type, on receiver: String, _ name: String, returns: TypeSpec, summary: String, doc: String = "",
        get: @escaping @Sendable (T) throws -> Value
    ) -> Builtin {
        property(on: receiver, name, returns: returns, summary: summary, doc: doc) { (value: Value) throws -> Value in
            guard case .host(let object) = value, let typed = object as? T else {
                throw ScriptError(kind: "TypeError", message: "'\(name)' needs a \(receiver), got \(value.typeName)")
            }
            return try get(typed)
        }
    }

    /// The Swift-like signature: `round(_ x: Number, digits: Int = 0) -> Double`.
    public var signature: String {
        if kind == .property { return "\(receiver.map { "\($0)." } ?? "")\(name): \(returns.name)" }
        let params = parameters.map(\.signature).joined(separator: ", ")
        let prefix = receiver.map { "\($0)." } ?? ""
        let result = returns.name == "Void" ? "" : " -> \(returns.name)"
        return "\(prefix)\(name)(\(params))\(result)"
    }
}

/// A constant usable as a parameter default (Sendable, unlike `Value`).
public enum Literal: Sendable {
    case none, bool(Bool), int(Int), double(Double), string(String)

    /// The value it stands for.
    public var value: Value {
        switch self {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        }
    }
}

/// One parameter of a builtin: its label (nil for unlabeled), type, default and doc.
public struct Parameter: Sendable {
    /// The argument label users write (`on` in `train(m, on: data)`), nil for unlabeled.
    public var label: String?
    /// The name the body reads it by (the label when labeled).
    public var name: String
    /// Accepted values.
    public var type: TypeSpec
    /// Used when the argument is left out; nil makes it required.
    public var defaultValue: Literal?
    /// Takes any number of unlabeled arguments (like `print`'s items).
    public var isVariadic: Bool
    /// Takes every further argument, labeled or not, in order, to pass on to another builtin
    /// (like `interact`'s); it comes last.
    public var isForwarding: Bool
    /// What it means, for inspection.
    public var doc: String

    /// A parameter from its parts.
    public init(label: String?, name: String, type: TypeSpec, default defaultValue: Literal? = nil,
                isVariadic: Bool = false, isForwarding: Bool = false, doc: String = "") {
        self.label = label
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.isVariadic = isVariadic
        self.isForwarding = isForwarding
        self.doc = doc
    }

    /// An unlabeled parameter (`_ x: Number`).
    public static func positional(_ name: String, _ type: TypeSpec, default defaultValue: Literal? = nil, doc: String = "") -> Parameter {
        Parameter(label: nil, name: name, type: type, default: defaultValue, doc: doc)
    }

    /// A labeled parameter (`digits: Int = 0`).
    public static func labeled(_ label: String, _ type: TypeSpec, default defaultValue: Literal? = nil, doc: String = "") -> Parameter {
        Parameter(label: label, name: label, type: type, default: defaultValue, doc: doc)
    }

    /// Any number of unlabeled arguments (`_ items: Any...`).
    public static func variadic(_ name: String, _ type: TypeSpec, doc: String = "") -> Parameter {
        Parameter(label: nil, name: name, type: type, isVariadic: true, doc: doc)
    }

    /// Every further argument of a call, labeled or not (`_ arguments: Any..., label: Any...`).
    public static func forwarded(_ name: String, doc: String = "") -> Parameter {
        Parameter(label: nil, name: name, type: .any, isForwarding: true, doc: doc)
    }

    /// Whether the argument may be left out.
    public var isOptional: Bool { defaultValue != nil || isVariadic || isForwarding }

    /// As shown in signatures.
    public var signature: String {
        if isForwarding { return "_ \(name): Any..., label: Any..." }
        var text = label.map { "\($0): " } ?? "_ \(name): "
        text += type.name
        if isVariadic { text += "..." }
        if let defaultValue { text += " = " + defaultValue.value.repr }
        return text
    }
}
