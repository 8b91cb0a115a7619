import MorphJSON

/// A table of named columns of equal length, shown as aligned text, HTML or Markdown and
/// written as CSV, column-oriented JSON or Markdown.
public struct Table: Sendable, Equatable {
    /// The columns, left to right.
    public private(set) var columns: [Column]
    /// A caption shown above the table, if any.
    public var title: String?

    /// A table from columns; throws unless they all have the same number of cells.
    public init(columns: [Column], title: String? = nil) throws(RenderError) {
        if let first = columns.first {
            for column in columns where column.cells.count != first.cells.count {
                throw RenderError(
                    "table columns must have equal lengths: '\(first.name)' has \(first.cells.count) values, '\(column.name)' has \(column.cells.count)")
            }
        }
        self.init(unchecked: columns, title: title)
    }

    init(unchecked columns: [Column], title: String?) {
        self.columns = columns
        self.title = title
    }

    /// A table from rows of cells under `header`; short rows are padded with empty cells.
    public init(header: [String], rows: [[Cell]], title: String? = nil) throws(RenderError) {
        for (i, row) in rows.enumerated() where row.count > header.count {
            throw RenderError("row \(i) has \(row.count) cells but the table has \(header.count) columns")
        }
        let columns = header.enumerated().map { (c, name) in
            Column(name, rows.map { c < $0.count ? $0[c] : .empty })
        }
        try self.init(columns: columns, title: title)
    }

    /// The number of rows.
    public var rowCount: Int { columns.first?.cells.count ?? 0 }

    /// The header names.
    public var columnNames: [String] { columns.map(\.name) }

    /// The column called `name`, if any.
    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// The rows a display shows: all if at most `limit`, else the first `limit`, and how many were left out.
    func displayedRows(limit: Int) -> (rows: Range<Int>, omitted: Int) {
        let n = rowCount
        guard n > limit else { return (0..<n, 0) }
        return (0..<max(limit, 0), n - max(limit, 0))
    }

    /// Column names made unique for JSON keys: repeats get " (2)", " (3)", ….
    func uniqueNames() -> [String] {
        var seen: [String: Int] = [:]
        var names: [String] = []
        for column in columns {
            let count = (seen[column.name] ?? 0) + 1
            seen[column.name] = count
            names.append(count == 1 ? column.name : "\(column.name) (\(count))")
        }
        return names
    }

    /// Column-oriented JSON: each column's name maps to the array of its values (full precision).
    public func columnJSON() -> JSON {
        var object: [String: JSON] = [:]
        for (name, column) in zip(uniqueNames(), columns) {
            object[name] = .array(column.cells.map(\.json))
        }
        return .object(object)
    }
}
