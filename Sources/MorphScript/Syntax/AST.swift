/// A binary operator, from loosest to tightest binding: `||`, `&&`, comparisons,
/// ranges, additive, multiplicative.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case or = "||", and = "&&"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

    /// Binding strength: higher binds tighter.
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return 3
        case .add, .subtract: return 5
        case .multiply, .divide, .remainder: return 6
        }
    }
}

/// A prefix operator: `-x` or `!x`.
public enum UnaryOperator: String, Sendable {
    case negate = "-", not = "!"
}

/// One piece of a string literal: literal text or an interpolated expression.
public enum StringSegment: Sendable {
    case text(String)
    case interpolation(Expr)
}

/// One argument of a call: an optional Swift-style label and a value.
public struct Argument: Sendable {
    /// The label (`on` in `train(m, on: data)`), or nil for an unlabeled argument.
    public var label: String?
    /// Where the label (or the value, when unlabeled) starts.
    public var start: SourcePosition
    /// The argument's value.
    public var value: Expr

    /// An argument from its parts.
    public init(label: String?, start: SourcePosition, value: Expr) {
        self.label = label
        self.start = start
        self.value = value
    }
}

/// An expression node with where it starts and ends in the cell.
public struct Expr: Sendable {
    /// What the expression is.
    public indirect enum Kind: Sendable {
        case integer(Int)
        case float(Double)
        case string([StringSegment])
        case bool(Bool)
        case array([Expr])
        case identifier(String)
        case unary(UnaryOperator, Expr)
        /// A binary operation; `operatorStart` is where the operator is written.
        case binary(BinaryOperator, Expr, Expr, operatorStart: SourcePosition)
        /// `a..<b`, `a...b`, or a partial range with a missing bound (`..<8`, `3...`).
        case range(lower: Expr?, upper: Expr?, closed: Bool)
        case call(callee: Expr, arguments: [Argument])
        /// `base.name`; `nameStart` is where the member's name is written.
        case member(base: Expr, name: String, nameStart: SourcePosition)
        case `subscript`(base: Expr, index: Expr)
    }

    /// What it is.
    public var kind: Kind
    /// Where it starts.
    public var start: SourcePosition
    /// Where it ends (exclusive).
    public var end: SourcePosition
    /// Height of the tree below this node (1 for a leaf); bounds recursion when evaluating.
    public var depth: Int
    /// Whether it is written in parentheses (so `(a < b) == c` is not a chained comparison).
    public var isParenthesized = false

    /// A node from its parts.
    public init(_ kind: Kind, start: SourcePosition, end: SourcePosition, depth: Int = 1) {
        self.kind = kind
        self.start = start
        self.end = end
        self.depth = depth
    }
}

/// A written type, as in `let x: Double = 1` or `var xs: [Int] = []`.
public struct TypeAnnotation: Sendable, Equatable {
    /// The type's name (`Double`), or the element's name for an array type.
    public var name: String
    /// Whether it is written `[name]`.
    public var isArray: Bool
    /// Where the type is written.
    public var start: SourcePosition

    /// An annotation from its parts.
    public init(name: String, isArray: Bool, start: SourcePosition) {
        self.name = name
        self.isArray = isArray
        self.start = start
    }

    /// As written: `Double` or `[Double]`.
    public var spelling: String { isArray ? "[\(name)]" : name }
}

/// A statement node with where it starts and ends in the cell.
public struct Stmt: Sendable {
    /// What the statement is.
    public indirect enum Kind: Sendable {
        /// `let name = value` or `var name = value`, optionally with a type (`let x: Double = 1`).
        case declaration(isVariable: Bool, name: String, nameStart: SourcePosition, type: TypeAnnotation?, value: Expr)
        /// `target = value`, or `target op= value` when `compound` is set.
        case assignment(target: Expr, compound: BinaryOperator?, value: Expr)
        case expression(Expr)
        /// `if condition { … } else { … }`; `else if` nests an `if` in the else branch.
        case ifElse(condition: Expr, then: [Stmt], else: [Stmt]?)
        case forIn(name: String, nameStart: SourcePosition, sequence: Expr, body: [Stmt])
        case whileLoop(condition: Expr, body: [Stmt])
        case breakLoop
        case continueLoop
    }

    /// What it is.
    public var kind: Kind
    /// Where it starts.
    public var start: SourcePosition
    /// Where it ends (exclusive).
    public var end: SourcePosition

    /// A node from its parts.
    public init(_ kind: Kind, start: SourcePosition, end: SourcePosition) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}

/// A parsed cell: its statements in order.
public struct Program: Sendable {
    /// The statements, in source order.
    public var statements: [Stmt]

    /// A program from its statements.
    public init(statements: [Stmt]) { self.statements = statements }
}
