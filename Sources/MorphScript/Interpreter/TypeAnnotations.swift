/// Checks values against written types (`let x: Double = 1`), converting Int to Double
/// where a Double is asked for, as Swift does for literals.
enum TypeAnnotations {
    static let builtinNames = ["Int", "Double", "String", "Bool", "Array", "Range", "Any", "Function"]

    static func conform(_ value: Value, to annotation: TypeAnnotation, name: String, registry: Registry, valueStart: SourcePosition) throws(ScriptError) -> Value {
        let known = Set(builtinNames).union(registry.types.keys).union(registry.members.keys)
        guard known.contains(annotation.name) else {
            throw ScriptError("TypeError", "unknown type '\(annotation.name)'; known types include Int, Double, String, Bool, Array, Range", at: annotation.start,
                              suggestion: closestMatch(to: annotation.name, in: known))
        }
        func mismatch(_ actual: Value) -> ScriptError {
            ScriptError("TypeError", "'\(name)' is declared as \(annotation.spelling) but the value is a \(actual.typeName)", at: valueStart)
        }
        if annotation.isArray {
            guard case .array(let elements) = value else { throw mismatch(value) }
            var converted: [Value] = []
            converted.reserveCapacity(elements.count)
            for element in elements {
                guard let c = convert(element, to: annotation.name) else {
                    throw ScriptError("TypeError", "'\(name)' is declared as \(annotation.spelling) but holds a \(element.typeName)", at: valueStart)
                }
                converted.append(c)
            }
            return .array(converted)
        }
        guard let converted = convert(value, to: annotation.name) else { throw mismatch(value) }
        return converted
    }

    private static func convert(_ value: Value, to name: String) -> Value? {
        switch (name, value) {
        case ("Any", _): return value
        case ("Double", .int(let i)): return .double(Double(i))
        case ("Double", .double): return value
        default: return value.memberTypeNames.contains(name) ? value : nil
        }
    }
}
