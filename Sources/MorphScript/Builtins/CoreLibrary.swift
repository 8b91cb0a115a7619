import MorphRender

extension Library {
    /// Output, input, help and conversions.
    static let core = Library(name: "core", builtins: [
        .function("print", [
            .variadic("items", .any, doc: "the values to write"),
            .labeled("separator", .string, default: .string(" "), doc: "written between items"),
            .labeled("terminator", .string, default: .string("\n"), doc: "written after the last item"),
        ], summary: "Writes values to standard output.",
        doc: "Strings are written as they are, other values as they print in a result.\nExample:\n    print(\"loss\", 0.25)             // loss 0.25\n    print(1, 2, 3, separator: \", \")  // 1, 2, 3") { call in
            let text = try joined(call)
            call.context.write(text, to: .stdout)
            return .none
        },
        .function("eprint", [
            .variadic("items", .any, doc: "the values to write"),
            .labeled("separator", .string, default: .string(" ")),
            .labeled("terminator", .string, default: .string("\n")),
        ], summary: "Writes values to standard error.",
        doc: "Like print, but to stderr (shown highlighted in notebooks).\nExample:\n    eprint(\"warning: few samples\")") { call in
            let text = try joined(call)
            call.context.write(text, to: .stderr)
            return .none
        },
        .function("show", [.positional("value", .any, doc: "what to display")],
                  summary: "Displays a value now, in its richest form, without ending the cell.",
                  doc: "A cell shows only its last expression; show displays others along the way.\nExample:\n    for i in 0..<3 { show(i * i) }") { call in
            call.context.execution.output.display(call.arguments["value"].displayBundle, displayID: nil)
            return .none
        },
        .function("input", [
            .positional("prompt", .string, default: .string(""), doc: "text shown before the answer field"),
            .labeled("password", .bool, default: .bool(false), doc: "hide what is typed"),
        ], returns: .string, summary: "Asks the user for a line of text and returns it.",
        doc: "Works in JupyterLab and the notebook; front ends without stdin (nbclient, papermill, morph run) give a StdinNotAllowed error.\nExample:\n    let name = input(\"Your name: \")") { call in
            let prompt = try call.arguments.string("prompt")
            let password = try call.arguments.bool("password")
            do {
                return .string(try call.context.execution.input.readLine(prompt: prompt, password: password))
            } catch let unavailable as InputUnavailable {
                throw ScriptError(kind: "StdinNotAllowed", message: "input() needs a front end that accepts input, and this one does not (\(unavailable.reason)); set the value in the code instead")
            } catch {
                if ScriptError.converting(error).kind == "Interrupted" { throw ScriptError.interrupted() }
                throw ScriptError(kind: "StdinNotAllowed", message: "input() could not read from the front end: \(error)")
            }
        },
        .function("help", [.positional("topic", .any, default: Literal.none, doc: "a function, a value, or a name as a string")],
                  summary: "Shows the documentation of a function, a value's type and members, or lists all builtins.",
                  doc: "Example:\n    help(round)\n    help(\"print\")\n    help()") { call in
            let bundle = helpBundle(for: call.arguments["topic"], registry: call.context.session.registry)
            call.context.execution.output.display(bundle, displayID: nil)
            return .none
        },
        .function("clear", [.labeled("wait", .bool, default: .bool(false), doc: "clear only when the next output arrives (no flicker)")],
                  summary: "Clears the cell's output.",
                  doc: "Example:\n    for i in 0..<10 { clear(wait: true); print(i) }") { call in
            call.context.execution.output.clearOutput(wait: try call.arguments.bool("wait"))
            return .none
        },
        .function("type", [.labeled("of", .any, doc: "any value")], returns: .string,
                  summary: "The name of a value's type.",
                  doc: "Example:\n    type(of: 1.5)   // \"Double\"") { call in
            .string(call.arguments["of"].typeName)
        },
        .function("String", [.positional("value", .any)], returns: .string,
                  summary: "A value as text.",
                  doc: "Example:\n    \"n = \" + String(3)") { call in
            .string(call.arguments["value"].text)
        },
        .function("str", [.positional("value", .any)], returns: .string,
                  summary: "A value as text (the same as String(x)).",
                  doc: "Example:\n    str(0.5)   // \"0.5\"") { call in
            .string(call.arguments["value"].text)
        },
        .function("Int", [.positional("value", .either(.number, .string, .bool))], returns: .int,
                  summary: "A number or numeric text as an Int (rounding toward zero).",
                  doc: "Example:\n    Int(2.7)     // 2\n    Int(\"42\")   // 42") { call in
            switch call.arguments["value"] {
            case .int(let i): return .int(i)
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d):
                guard d.isFinite, abs(d) < 9.2e18 else {
                    throw call.arguments.error("ValueError", "\(Value.format(d)) does not fit in an Int", at: "value")
                }
                return .int(Int(d))
            case .string(let s):
                guard let i = Int(s.trimmingSpaces) else {
                    throw call.arguments.error("ValueError", "\(Value.quote(s)) is not an integer", at: "value")
                }
                return .int(i)
            default: return .none
            }
        },
        .function("Double", [.positional("value", .either(.number, .string))], returns: .double,
                  summary: "A number or numeric text as a Double.",
                  doc: "Example:\n    Double(3)       // 3.0\n    Double(\"0.5\")   // 0.5") { call in
            if case .string(let s) = call.arguments["value"] {
                guard let d = Double(s.trimmingSpaces) else {
                    throw call.arguments.error("ValueError", "\(Value.quote(s)) is not a number", at: "value")
                }
                return .double(d)
            }
            return .double(try call.arguments.double("value"))
        },
    ], types: [])

    private static func joined(_ call: Invocation) throws -> String {
        let separator = try call.arguments.string("separator")
        let terminator = try call.arguments.string("terminator")
        var text = ""
        for (i, item) in call.arguments.variadic.enumerated() {
            if i > 0 { text += separator }
            text += item.text(limit: Value.outputLimit - min(Value.outputLimit, text.utf8.count))
            if text.utf8.count >= Value.outputLimit { return text + terminator }
        }
        return text + terminator
    }

    /// The documentation `help(topic)` shows.
    static func helpBundle(for topic: Value, registry: Registry) -> MimeBundle {
        switch topic {
        case .none:
            return Documentation.overview(registry: registry)
        case .function(let name):
            return Documentation.builtin(registry.functions[name] ?? [])
        case .string(let name):
            if let overloads = registry.functions[name] { return Documentation.builtin(overloads) }
            if registry.types[name] != nil || Documentation.builtinTypeSummaries[name] != nil {
                return Documentation.type(name, typeNames: [name], registry: registry)
            }
            if let suggestion = closestMatch(to: name, in: registry.functions.keys) {
                return MimeBundle(plainText: "No builtin named '\(name)'. Did you mean '\(suggestion)'? help() lists them all.")
            }
            return MimeBundle(plainText: "No builtin named '\(name)'. help() lists them all.")
        default:
            return Documentation.type(topic.typeName, typeNames: topic.memberTypeNames, registry: registry)
        }
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
