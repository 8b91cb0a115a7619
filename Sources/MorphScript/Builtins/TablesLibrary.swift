import MorphRender

extension Library {
    /// Tables made by cells, and the verdict rows that close each notebook.
    static let tables = Library(name: "tables", builtins: [
        .function("table", [
            .positional("header", .array(of: .string), doc: "the column names"),
            .positional("rows", .array(of: .array), doc: "one array of cells per row (numbers, strings, booleans)"),
            .labeled("title", .string, default: .string(""), doc: "a caption shown above the table"),
        ], returns: .host("Table"), summary: "A table from a header and rows, shown and exported like every table.",
        doc: """
            Numbers stay numbers (exported as such to .csv and .json); other cells are shown as text.
            Example:
                table(["model", "loss"], [["Conv", 11.2], ["MLP", 19.5]], title: "Losses")
            """) { call in
            let header = try call.arguments.array("header").map(\.text)
            guard !header.isEmpty else { throw call.arguments.error("ValueError", "a table needs at least one column name", at: "header") }
            var rows: [[Cell]] = []
            for (index, row) in try call.arguments.array("rows").enumerated() {
                guard case .array(let values) = row else { continue }
                guard values.count <= header.count else {
                    throw call.arguments.error("ValueError", "row \(index) has \(values.count) cells but the header names \(header.count) columns; add names to the header or drop cells", at: "rows")
                }
                rows.append(values.map { value in
                    switch value {
                    case .int(let i): return .number(Double(i))
                    case .double(let d): return .number(d)
                    default: return .text(value.text)
                    }
                })
            }
            let title = try call.arguments.string("title")
            let table = try ExperimentsSupport.run(call) { try Table(header: header, rows: rows, title: title.isEmpty ? nil : title) }
            return .host(TableValue(table: table, provenance: Provenance()))
        },
        .function("verdict", [
            .positional("claim", .string, doc: "what the article says"),
            .labeled("measured", .string, doc: "what this notebook measured, with its spread"),
            .labeled("holds", .optional(.bool), default: Literal.none,
                     doc: "whether the measurement supports the claim; leave out when this notebook cannot decide"),
        ], returns: .array(of: .string),
        summary: "One row of a verdict table: the claim, the measurement and \"holds\", \"does not hold\" or \"not decidable here\".",
        doc: """
            The verdict is computed from `holds`, so rerunning with other parameters can change it.
            Example:
                let cv = [pConv.stepVariation, pShallow.stepVariation]
                table(["Claim", "Measured", "Verdict"], [
                    verdict("the CNN morphs with the most even steps", measured: "CV \\(cv)", holds: cv[0] < cv[1]),
                ], title: "Verdict")
            """) { call in
            let claim = try call.arguments.string("claim"), measured = try call.arguments.string("measured")
            let outcome = call.arguments.has("holds") ? (try call.arguments.bool("holds") ? "holds" : "does not hold") : "not decidable here"
            return .array([.string(claim), .string(measured), .string(outcome)])
        },
    ])
}
