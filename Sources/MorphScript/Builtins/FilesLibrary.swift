import MorphJSON
import MorphRender

extension Library {
    /// Writing values to files.
    static let files = Library(name: "files", builtins: [
        .function("export", [
            .positional("value", .any, doc: "what to write"),
            .labeled("to", .string, doc: "the file; its extension (.png, .svg, .csv, .json, .txt, …) picks the format; relative paths start at the notebook's directory"),
        ], summary: "Writes a value's file form (picked by the file extension) and says where it wrote.",
        doc: "Parent directories are created; the file is replaced atomically.\nExample:\n    export([1, 2, 3], to: \"results/values.csv\")\n    export(strip, to: \"figures/morph.png\")") { call in
            let value = call.arguments["value"]
            let path = try call.arguments.string("to")
            let fileExtension = Export.fileExtension(of: path)
            guard !fileExtension.isEmpty else {
                throw call.arguments.error("ValueError", "'\(path)' has no file extension; add one such as .png, .svg, .csv, .json or .txt to pick the format", at: "to")
            }
            guard let bytes = try Export.contents(of: value, fileExtension: fileExtension, registry: call.context.session.registry) else {
                let possible = Export.availableExtensions(of: value)
                let hint = possible.isEmpty ? "" : "; it can be exported as " + possible.map { ".\($0)" }.joined(separator: ", ")
                throw call.arguments.error("ValueError", "cannot export a \(value.typeName) as .\(fileExtension)\(hint)", at: "to")
            }
            let resolved = call.context.resolve(path: path)
            try FileWriter.write(bytes, to: resolved)
            let size = bytes.count < 10_000 ? "\(bytes.count) bytes" : NumberText.significant(Double(bytes.count) / 1024, digits: 3) + " KB"
            call.context.write("exported \(value.typeName) to \(resolved) (\(size))\n")
            return .none
        },
    ])
}

/// How `export` finds a value's file form.
enum Export {
    /// MIME type of the display bundle that each extension writes.
    static let mimeTypes: [(String, String)] = [
        ("png", "image/png"), ("svg", "image/svg+xml"), ("html", "text/html"), ("md", "text/markdown"),
        ("json", "application/json"), ("vl.json", "application/vnd.vegalite.v5+json"), ("txt", "text/plain"),
    ]

    /// The lowercased extension (`png`, or `vl.json`), or empty.
    static func fileExtension(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let lower = name.lowercased()
        if lower.hasSuffix(".vl.json") { return "vl.json" }
        guard let dot = lower.lastIndex(of: "."), dot != lower.startIndex else { return "" }
        return String(lower[lower.index(after: dot)...])
    }

    /// The bytes to write, or nil when the value has no such form.
    static func contents(of value: Value, fileExtension: String, registry: Registry) throws -> [UInt8]? {
        if case .host(let object) = value, let bytes = try object.fileContents(forExtension: fileExtension) {
            return bytes
        }
        for exporter in registry.exporters {
            if let bytes = try exporter.contents(value, fileExtension) { return bytes }
        }
        if let bytes = plainForm(of: value, fileExtension: fileExtension) { return bytes }
        let bundle = value.displayBundle
        for (ext, mime) in mimeTypes where ext == fileExtension {
            guard let representation = bundle.data[mime] else { continue }
            switch representation {
            case .string(let text):
                if mime == "image/png" { return FileWriter.decodeBase64(text) }
                return Array(text.utf8)
            default:
                return Array(representation.prettyPrinted().utf8)
            }
        }
        return nil
    }

    /// Text, CSV and JSON forms of plain values.
    private static func plainForm(of value: Value, fileExtension: String) -> [UInt8]? {
        if case .host = value { return nil }
        switch fileExtension {
        case "txt": return Array((value.text + "\n").utf8)
        case "json": return json(value).map { Array(($0.prettyPrinted() + "\n").utf8) }
        case "csv": return csv(value).map { Array($0.utf8) }
        default: return nil
        }
    }

    private static func json(_ value: Value) -> JSON? {
        switch value {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return JSON(i)
        case .double(let d): return JSON(d)
        case .string(let s): return .string(s)
        case .array(let elements):
            var items: [JSON] = []
            for element in elements {
                guard let item = json(element) else { return nil }
                items.append(item)
            }
            return .array(items)
        case .range(let r):
            guard let bounds = r.fullBounds, bounds.count <= 10_000_000 else { return nil }
            return .array(bounds.map { JSON($0) })
        default: return nil
        }
    }

    private static func csv(_ value: Value) -> String? {
        guard case .array(let rows) = value else { return nil }
        var text = ""
        for row in rows {
            switch row {
            case .array(let cells):
                text += cells.map(cell).joined(separator: ",") + "\n"
            default:
                text += cell(row) + "\n"
            }
        }
        return text
    }

    private static func cell(_ value: Value) -> String {
        let text = value.text
        if text.contains(",") || text.contains("\"") || text.contains("\n") {
            return "\"" + text.replacingQuotes + "\""
        }
        return text
    }

    /// Extensions a value can be exported as (for error messages).
    static func availableExtensions(of value: Value) -> [String] {
        var result: [String] = []
        if case .host = value {} else {
            result += ["txt", "json"]
            if case .array = value { result.append("csv") }
        }
        let bundle = value.displayBundle
        for (ext, mime) in mimeTypes where bundle.data[mime] != nil && !result.contains(ext) { result.append(ext) }
        return result
    }
}

extension String {
    /// The text with each `"` doubled (CSV quoting).
    var replacingQuotes: String {
        var out = ""
        for c in self { out += c == "\"" ? "\"\"" : String(c) }
        return out
    }
}
