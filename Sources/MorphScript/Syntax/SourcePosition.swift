/// A place in a cell's source: a Unicode-scalar offset, and the 1-based line and column
/// (the column counts characters, as an editor shows them).
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Offset from the start of the source, in Unicode scalars (code points).
    public var offset: Int
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in characters (grapheme clusters).
    public var column: Int

    /// A position from its parts.
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The start of a source.
    public static let start = SourcePosition(offset: 0, line: 1, column: 1)

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool { lhs.offset < rhs.offset }

    public var description: String { "\(line):\(column)" }
}
