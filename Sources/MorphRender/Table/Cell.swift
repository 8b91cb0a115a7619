import MorphJSON

/// One value in a table: text, an integer, a number, or nothing.
public enum Cell: Sendable, Equatable {
    /// Text, shown as is (escaped in HTML and Markdown).
    case text(String)
    /// An integer, right-aligned.
    case integer(Int)
    /// A number, shown with its column's precision and written in full in files.
    case number(Double)
    /// No value: blank in displays and CSV, null in JSON.
    case empty

    /// Whether the cell holds an integer or a number.
    public var isNumeric: Bool {
        switch self {
        case .integer, .number: return true
        case .text, .empty: return false
        }
    }

    /// The cell's value as JSON: numbers as numbers (non-finite as null), text as strings, empty as null.
    public var json: JSON {
        switch self {
        case .text(let s): return .string(s)
        case .integer(let i): return JSON(i)
        case .number(let d): return JSON(d)
        case .empty: return .null
        }
    }

    /// The cell as a file would keep it: numbers in full precision, empty as "".
    public var exactText: String {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .number(let d): return NumberText.exact(d)
        case .empty: return ""
        }
    }
}

extension Cell: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
}
