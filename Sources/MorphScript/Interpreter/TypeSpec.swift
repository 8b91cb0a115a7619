/// A parameter or result type as declared in the registry: a name shown in signatures and
/// a test for values. Host types are named by their `typeName` or a conformance.
public struct TypeSpec: Sendable, CustomStringConvertible {
    /// The name shown in signatures (`Int`, `[Double]`, `Model`).
    public var name: String
    /// The type of elements, for array types (used by completion after `a[0].`).
    public var elementName: String?
    private let test: @Sendable (Value) -> Bool

    /// A type with its name and membership test.
    public init(_ name: String, elementName: String? = nil, accepts test: @escaping @Sendable (Value) -> Bool) {
        self.name = name
        self.elementName = elementName
        self.test = test
    }

    /// Whether `value` is of this type.
    public func accepts(_ value: Value) -> Bool { test(value) }

    public var description: String { name }

    /// Any value.
    public static let any = TypeSpec("Any") { _ in true }
    /// Nothing (functions called for their effect).
    public static let none = TypeSpec("Void") { $0.isNone }
    /// An Int.
    public static let int = TypeSpec("Int") { if case .int = $0 { return true }; return false }
    /// A Double (an Int is accepted and converted).
    public static let double = TypeSpec("Double") { $0.doubleValue != nil }
    /// An Int or a Double.
    public static let number = TypeSpec("Number") { $0.doubleValue != nil }
    /// A String.
    public static let string = TypeSpec("String") { if case .string = $0 { return true }; return false }
    /// A Bool.
    public static let bool = TypeSpec("Bool") { if case .bool = $0 { return true }; return false }
    /// A range (`0..<8`).
    public static let range = TypeSpec("Range") { if case .range = $0 { return true }; return false }
    /// A builtin function.
    public static let function = TypeSpec("Function") { if case .function = $0 { return true }; return false }
    /// An array of anything.
    public static let array = TypeSpec("Array") { if case .array = $0 { return true }; return false }

    /// An array whose elements are all of `element`.
    public static func array(of element: TypeSpec) -> TypeSpec {
        TypeSpec("[\(element.name)]", elementName: element.name) { value in
            guard case .array(let items) = value else { return false }
            return items.allSatisfy(element.accepts)
        }
    }

    /// A host value of type (or conformance) `name`.
    public static func host(_ name: String) -> TypeSpec {
        TypeSpec(name) { value in
            if case .host(let object) = value { return object.isKind(of: name) }
            return false
        }
    }

    /// `wrapped` or nothing (a parameter declared `default: Literal.none`).
    public static func optional(_ wrapped: TypeSpec) -> TypeSpec {
        TypeSpec(wrapped.name + "?", elementName: wrapped.elementName) { $0.isNone || wrapped.accepts($0) }
    }

    /// A value of any of `types`.
    public static func either(_ types: TypeSpec...) -> TypeSpec {
        TypeSpec(types.map(\.name).joined(separator: " or ")) { value in types.contains { $0.accepts(value) } }
    }
}
