extension Library {
    /// Members of arrays, strings and ranges.
    static let collections = Library(name: "collections", builtins: [
        .property(on: "Array", "count", returns: .int, summary: "The number of elements.") { value in
            if case .array(let a) = value { return .int(a.count) }
            return .none
        },
        .property(on: "Array", "isEmpty", returns: .bool, summary: "Whether the array has no elements.") { value in
            if case .array(let a) = value { return .bool(a.isEmpty) }
            return .none
        },
        .property(on: "Array", "first", returns: .any, summary: "The first element (an IndexError when empty).") { value in
            guard case .array(let a) = value, let first = a.first else {
                throw ScriptError(kind: "IndexError", message: "an empty array has no first element")
            }
            return first
        },
        .property(on: "Array", "last", returns: .any, summary: "The last element (an IndexError when empty).") { value in
            guard case .array(let a) = value, let last = a.last else {
                throw ScriptError(kind: "IndexError", message: "an empty array has no last element")
            }
            return last
        },
        .method(on: "Array", "append", [.positional("element", .any)], mutating: true,
                summary: "Adds an element at the end (the array must be declared with var).",
                doc: "Example:\n    var losses = []\n    losses.append(0.5)") { call in
            guard case .array(var a) = call.receiver else { return .none }
            let element = call.arguments["element"]
            if case .array = element { try Value.array([element]).checkNesting(cancellation: call.context.execution.cancellation) }
            call.receiver = .none
            a.append(element)
            call.receiver = .array(a)
            return .none
        },
        .method(on: "Array", "contains", [.positional("element", .any)], returns: .bool,
                summary: "Whether some element equals the given value.",
                doc: "Example:\n    [1, 2, 3].contains(2)   // true") { call in
            guard case .array(let a) = call.receiver else { return .none }
            let target = call.arguments["element"]
            let cancellation = call.context.execution.cancellation
            for element in a where try element.isEqual(to: target, cancellation: cancellation) { return .bool(true) }
            return .bool(false)
        },
        .method(on: "Array", "reversed", returns: .array, summary: "The elements in reverse order.",
                doc: "Example:\n    [1, 2, 3].reversed()   // [3, 2, 1]") { call in
            guard case .array(let a) = call.receiver else { return .none }
            return .array(a.reversed())
        },
        .method(on: "Array", "sorted", returns: .array, summary: "The elements in increasing order (numbers or strings).",
                doc: "Example:\n    [3, 1, 2].sorted()   // [1, 2, 3]") { call in
            guard case .array(let a) = call.receiver else { return .none }
            if a.allSatisfy({ $0.doubleValue != nil }) {
                return .array(a.sorted { ($0.doubleValue ?? 0) < ($1.doubleValue ?? 0) })
            }
            if a.allSatisfy({ if case .string = $0 { return true }; return false }) {
                return .array(a.sorted { $0.text < $1.text })
            }
            throw ScriptError(kind: "TypeError", message: "sorted() needs an array of numbers or of strings")
        },
        .method(on: "Array", "joined", [.labeled("separator", .string, default: .string(""))], returns: .string,
                summary: "The elements as text, joined by a separator.",
                doc: "Example:\n    [\"a\", \"b\"].joined(separator: \", \")   // \"a, b\"") { call in
            guard case .array(let a) = call.receiver else { return .none }
            let separator = try call.arguments.string("separator")
            var text = ""
            for (i, element) in a.enumerated() {
                if i > 0 { text += separator }
                text += element.text(limit: Operators.maximumLength)
                guard text.utf8.count <= Operators.maximumLength else {
                    throw ScriptError(kind: "ValueError", message: "the joined string would exceed \(Operators.maximumLength) bytes")
                }
            }
            return .string(text)
        },
        .property(on: "String", "count", returns: .int, summary: "The number of characters.") { value in
            .int(value.text.count)
        },
        .property(on: "String", "isEmpty", returns: .bool, summary: "Whether the string has no characters.") { value in
            .bool(value.text.isEmpty)
        },
        .method(on: "String", "uppercased", returns: .string, summary: "The text in upper case.") { call in
            .string(call.receiver.text.uppercased())
        },
        .method(on: "String", "lowercased", returns: .string, summary: "The text in lower case.") { call in
            .string(call.receiver.text.lowercased())
        },
        .method(on: "String", "contains", [.positional("text", .string)], returns: .bool,
                summary: "Whether the text contains another.") { call in
            let needle = try call.arguments.string("text")
            return .bool(needle.isEmpty || call.receiver.text.contains(needle))
        },
        .method(on: "String", "hasPrefix", [.positional("prefix", .string)], returns: .bool,
                summary: "Whether the text starts with a prefix.") { call in
            .bool(call.receiver.text.hasPrefix(try call.arguments.string("prefix")))
        },
        .method(on: "String", "hasSuffix", [.positional("suffix", .string)], returns: .bool,
                summary: "Whether the text ends with a suffix.") { call in
            .bool(call.receiver.text.hasSuffix(try call.arguments.string("suffix")))
        },
        .method(on: "String", "split", [.labeled("separator", .string, default: .string(" "))], returns: .array(of: .string),
                summary: "The pieces of the text between separators.",
                doc: "Example:\n    \"a,b\".split(separator: \",\")   // [\"a\", \"b\"]") { call in
            let separator = try call.arguments.string("separator")
            guard !separator.isEmpty else { throw call.arguments.error("ValueError", "the separator must not be empty", at: "separator") }
            var pieces: [Value] = []
            var rest = Substring(call.receiver.text)
            while let found = rest.range(of: separator) {
                pieces.append(.string(String(rest[..<found.lowerBound])))
                rest = rest[found.upperBound...]
            }
            pieces.append(.string(String(rest)))
            return .array(pieces)
        },
        .property(on: "Range", "count", returns: .int, summary: "The number of integers in the range.") { value in
            guard case .range(let r) = value, let n = r.count else {
                throw ScriptError(kind: "ValueError", message: "a partial range has no count")
            }
            return .int(n)
        },
        .property(on: "Range", "lowerBound", returns: .int, summary: "The first integer.") { value in
            guard case .range(let r) = value, let lower = r.lower else { return .none }
            return .int(lower)
        },
        .property(on: "Range", "upperBound", returns: .int, summary: "The bound as written (excluded by ..<, included by ...).") { value in
            guard case .range(let r) = value, let upper = r.upper else { return .none }
            return .int(upper)
        },
    ])
}

extension Substring {
    /// The first occurrence of `needle`, by characters.
    func range(of needle: String) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        var start = startIndex
        while start < endIndex {
            if self[start...].hasPrefix(needle) {
                let end = index(start, offsetBy: needle.count, limitedBy: endIndex) ?? endIndex
                return start..<end
            }
            start = index(after: start)
        }
        return nil
    }
}
