/// A named table column with its cells and how its numbers are shown.
public struct Column: Sendable, Equatable {
    /// The header.
    public var name: String
    /// The values, top to bottom.
    public var cells: [Cell]
    /// Digits after the decimal point for numbers in displays; nil chooses from the column's magnitude.
    public var precision: Int?

    /// A column of cells.
    public init(_ name: String, _ cells: [Cell], precision: Int? = nil) {
        self.name = name
        self.cells = cells
        self.precision = precision
    }

    /// A column of numbers shown with `precision` decimals (nil: chosen from the magnitude).
    public init(_ name: String, numbers: [Double], precision: Int? = nil) {
        self.init(name, numbers.map(Cell.number), precision: precision)
    }

    /// A column of integers.
    public init(_ name: String, integers: [Int]) {
        self.init(name, integers.map(Cell.integer))
    }

    /// A column of text.
    public init(_ name: String, texts: [String]) {
        self.init(name, texts.map(Cell.text))
    }

    /// Whether every non-empty cell is a number, so the column aligns right.
    public var isNumeric: Bool {
        cells.allSatisfy { $0.isNumeric || $0 == .empty } && cells.contains { $0.isNumeric }
    }

    /// How this column shows numbers: fixed decimals, or significant digits for extreme magnitudes.
    enum NumberStyle: Equatable {
        case decimals(Int)
        case significant(Int)
    }

    var numberStyle: NumberStyle {
        if let precision { return .decimals(min(max(precision, 0), 15)) }
        var largest = 0.0
        var smallest = Double.infinity
        for case .number(let d) in cells where d.isFinite && d != 0 {
            largest = max(largest, abs(d))
            smallest = min(smallest, abs(d))
        }
        if largest == 0 { return .decimals(cells.contains { if case .number = $0 { return true } else { return false } } ? 1 : 0) }
        if largest < 1e-4 || largest >= 1e9 { return .significant(4) }
        // Four significant digits for the largest value, and at least two for the smallest
        // (a column mixing 9462 and 0.05 must not show the small one as 0).
        let forLargest = 3 - Int(floor(log10(largest)))
        let forSmallest = 1 - Int(floor(log10(smallest)))
        return .decimals(min(max(forLargest, forSmallest, 0), 6))
    }

    /// The display text of each cell.
    func displayTexts() -> [String] {
        let style = numberStyle
        return cells.map { cell in
            switch cell {
            case .text(let s): return s
            case .integer(let i): return String(i)
            case .empty: return ""
            case .number(let d):
                switch style {
                case .decimals(let n): return NumberText.fixed(d, decimals: n)
                case .significant(let n): return NumberText.significant(d, digits: n)
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc  // log10, floor
#elseif canImport(Darwin)
import Darwin
#endif
