extension Table {
    /// The default number of rows a display shows before summarising the rest.
    public static let displayRowLimit = 100

    /// The table as aligned plain text: a header, a rule, and the rows (numbers right-aligned).
    public func plainText(rowLimit: Int = Table.displayRowLimit) -> String {
        let (rows, omitted) = displayedRows(limit: rowLimit)
        let texts = columns.map { column in column.displayTexts().map(Table.singleLine) }
        let headers = columns.map { Table.singleLine($0.name) }
        let widths = columns.indices.map { c in
            max(headers[c].count, rows.map { texts[c][$0].count }.max() ?? 0)
        }
        func pad(_ s: String, _ width: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return right ? fill + s : s + fill
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for c in columns.indices { parts.append(pad(cells[c], widths[c], right: columns[c].isNumeric)) }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var lines: [String] = []
        if let title, !title.isEmpty { lines.append(title) }
        lines.append(line(headers))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for r in rows { lines.append(line(columns.indices.map { texts[$0][r] })) }
        if omitted > 0 { lines.append("… \(omitted) more rows (\(rowCount) in all; export to CSV for every row)") }
        return lines.joined(separator: "\n")
    }

    /// The table as a Markdown (GFM) pipe table, numbers right-aligned; every row unless `rowLimit` is given.
    public func markdown(rowLimit: Int = Int.max) -> String {
        let (rows, omitted) = displayedRows(limit: rowLimit)
        let texts = columns.map { $0.displayTexts().map(Table.markdownCell) }
        var lines: [String] = []
        if let title, !title.isEmpty { lines.append("**\(Table.markdownCell(title))**"); lines.append("") }
        guard !columns.isEmpty else { return lines.joined(separator: "\n") }
        lines.append("| " + columns.map { Table.markdownCell($0.name) }.joined(separator: " | ") + " |")
        lines.append("|" + columns.map { $0.isNumeric ? " ---: " : " --- " }.joined(separator: "|") + "|")
        for r in rows {
            lines.append("| " + columns.indices.map { texts[$0][r] }.joined(separator: " | ") + " |")
        }
        if omitted > 0 { lines.append(""); lines.append("… \(omitted) more rows (\(rowCount) in all)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as an HTML `<table>` (cells escaped, numbers right-aligned, title as caption).
    public func html(rowLimit: Int = Table.displayRowLimit) -> String {
        let (rows, omitted) = displayedRows(limit: rowLimit)
        let texts = columns.map { $0.displayTexts() }
        let align = columns.map { $0.isNumeric ? " style=\"text-align:right\"" : " style=\"text-align:left\"" }
        var out = "<table class=\"morph-table\">"
        if let title, !title.isEmpty { out += "<caption>\(Markup.escape(title))</caption>" }
        out += "<thead><tr>"
        for (c, column) in columns.enumerated() { out += "<th\(align[c])>\(Markup.escape(column.name))</th>" }
        out += "</tr></thead><tbody>"
        for r in rows {
            out += "<tr>"
            for c in columns.indices { out += "<td\(align[c])>\(Markup.escape(texts[c][r]))</td>" }
            out += "</tr>\n"
        }
        out += "</tbody></table>"
        if omitted > 0 {
            out += "<p><small>… \(omitted) more rows (\(rowCount) in all; export to CSV for every row)</small></p>"
        }
        return out
    }

    /// The table as CSV (RFC 4180): a header line, CRLF line ends, fields quoted when they hold a
    /// comma, quote or line break; numbers in full precision.
    public func csv() -> String {
        var out = columns.map { Table.csvField($0.name) }.joined(separator: ",") + "\r\n"
        for r in 0..<rowCount {
            out += columns.map { Table.csvField($0.cells[r].exactText) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        var quoted = "\""
        for ch in text {
            if ch == "\"" { quoted += "\"\"" } else { quoted.append(ch) }
        }
        return quoted + "\""
    }

    static func markdownCell(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "|": out += "\\|"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    static func singleLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }
}
