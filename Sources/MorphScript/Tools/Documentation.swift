import MorphJSON
import MorphRender

/// Text for `help`, inspection and completion, built from registry declarations.
enum Documentation {
    /// The signatures, summary and doc of a function's (or member's) overloads.
    static func builtin(_ overloads: [Builtin], detailed: Bool = true) -> MimeBundle {
        guard let first = overloads.first else { return MimeBundle(plainText: "") }
        var plain = overloads.map(\.signature).joined(separator: "\n") + "\n\n" + first.summary
        var markdown = "```swift\n" + overloads.map(\.signature).joined(separator: "\n") + "\n```\n\n" + first.summary
        if detailed {
            for builtin in overloads {
                let documented = builtin.parameters.filter { !$0.doc.isEmpty }
                if !documented.isEmpty {
                    plain += "\n\nParameters:\n" + documented.map { "  \($0.label.map { "\($0):" } ?? $0.name) \($0.doc)" }.joined(separator: "\n")
                    markdown += "\n\n**Parameters**\n\n" + documented.map { "- `\($0.label.map { "\($0):" } ?? $0.name)` \($0.doc)" }.joined(separator: "\n")
                }
            }
            let docs = overloads.map(\.doc).filter { !$0.isEmpty }
            var seen = Set<String>()
            for doc in docs where !seen.contains(doc) {
                seen.insert(doc)
                plain += "\n\n" + doc
                markdown += "\n\n" + markdownDoc(doc)
            }
        }
        return bundle(plain: plain, markdown: markdown)
    }

    /// A doc string for markdown: indented example lines become a swift code block.
    private static func markdownDoc(_ doc: String) -> String {
        var out: [String] = []
        var inCode = false
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            let isCode = line.hasPrefix("    ")
            if isCode && !inCode { out.append("```swift"); inCode = true }
            if !isCode && inCode { out.append("```"); inCode = false }
            out.append(isCode ? String(line.dropFirst(4)) : String(line))
        }
        if inCode { out.append("```") }
        return out.joined(separator: "\n")
    }

    /// A type's summary and members.
    static func type(_ name: String, typeNames: [String], registry: Registry) -> MimeBundle {
        let summary = registry.types[name]?.summary ?? builtinTypeSummaries[name] ?? ""
        var plain = name + (summary.isEmpty ? "" : ": " + summary)
        var markdown = "**\(name)**" + (summary.isEmpty ? "" : " — " + summary)
        let members = registry.allMembers(of: typeNames)
        if !members.isEmpty {
            plain += "\n\nMembers:\n" + members.map { "  \($0.1.signature) — \($0.1.summary)" }.joined(separator: "\n")
            markdown += "\n\n**Members**\n\n" + members.map { "- `\($0.1.signature)` — \($0.1.summary)" }.joined(separator: "\n")
        }
        return bundle(plain: plain, markdown: markdown)
    }

    /// A variable's name, type and one-line summary.
    static func variable(_ name: String, value: Value, registry: Registry, detailed: Bool) -> MimeBundle {
        var plain = "\(name): \(value.typeName)\n\(summaryLine(of: value))"
        var markdown = "`\(name)`: **\(value.typeName)**\n\n" + "```\n" + summaryLine(of: value) + "\n```"
        let typeSummary = registry.types[value.typeName]?.summary ?? builtinTypeSummaries[value.typeName]
        if let typeSummary {
            plain += "\n\n\(value.typeName): \(typeSummary)"
            markdown += "\n\n\(value.typeName): \(typeSummary)"
        }
        if detailed {
            let members = registry.allMembers(of: value.memberTypeNames)
            if !members.isEmpty {
                plain += "\n\nMembers:\n" + members.map { "  \($0.1.signature) — \($0.1.summary)" }.joined(separator: "\n")
                markdown += "\n\n**Members**\n\n" + members.map { "- `\($0.1.signature)` — \($0.1.summary)" }.joined(separator: "\n")
            }
        }
        return bundle(plain: plain, markdown: markdown)
    }

    /// A value's one-line summary (long text shortened).
    static func summaryLine(of value: Value) -> String {
        var text: String
        switch value {
        case .array(let elements) where elements.count > 8:
            text = "[" + elements.prefix(8).map(\.repr).joined(separator: ", ") + ", …] (\(elements.count) elements)"
        default:
            text = value.repr
        }
        if text.count > 200 { text = String(text.prefix(199)) + "…" }
        return text
    }

    /// An overview of every function.
    static func overview(registry: Registry) -> MimeBundle {
        var plain = "Builtins (help(name) for details):\n"
        var markdown = "**Builtins** (`help(name)` for details)\n\n"
        for name in registry.sortedFunctionNames {
            guard let first = registry.functions[name]?.first else { continue }
            plain += "  \(name) — \(first.summary)\n"
            markdown += "- `\(name)` — \(first.summary)\n"
        }
        return bundle(plain: plain, markdown: markdown)
    }

    static func bundle(plain: String, markdown: String) -> MimeBundle {
        MimeBundle(data: ["text/plain": .string(plain), "text/markdown": .string(markdown)])
    }

    static let builtinTypeSummaries: [String: String] = [
        "Int": "a 64-bit integer, e.g. 42",
        "Double": "a 64-bit floating-point number, e.g. 0.5",
        "String": "text, e.g. \"hello \\(name)\"",
        "Bool": "true or false",
        "Array": "an ordered list of values, e.g. [1, 2, 3]; index with a[0], slice with a[0..<2]",
        "Range": "integers from a lower bound up to an upper bound: 0..<8 excludes 8, 0...7 includes 7",
        "Function": "a builtin function; call it with arguments, or help(f) for its documentation",
        "None": "no value",
    ]
}
