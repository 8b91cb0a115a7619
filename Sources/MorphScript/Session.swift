import MorphRender

/// The interpreter state of one kernel session: variables persist across cells.
///
/// A cell runs statement by statement; a failing statement binds nothing (every variable
/// it changed gets its old value back) and stops the cell, leaving earlier statements'
/// bindings in place. Declaring a name again (in a later cell) shadows the old binding.
public final class Session {
    /// Every builtin this session knows.
    public let registry: Registry
    /// The variables, by name.
    var globals: [String: Binding] = [:]
    /// The session's comms and widgets (the host carries their messages).
    public let comms = CommHub()
    /// Display ids handed out so far (see `CallContext.newDisplayID`).
    var displayCounter = 0

    /// A fresh session with the standard builtins and the article's experiments.
    public convenience init() {
        self.init(libraries: Library.standard + Library.experiments)
    }

    /// A fresh session with the builtins of `libraries`.
    public init(libraries: [Library]) {
        registry = Registry(libraries: libraries)
    }

    /// Runs a cell; returns the rich form of its last expression (nil when it has none),
    /// or throws the error that stopped it. A failing statement binds nothing.
    public func execute(_ code: String, in context: ExecutionContext) throws(ScriptError) -> MimeBundle? {
        let program: Program
        do {
            program = try Parser.parse(code)
        } catch {
            throw ScriptError.syntax(error, in: code)
        }
        let interpreter = Interpreter(session: self, execution: context)
        var result: Value?
        for (index, statement) in program.statements.enumerated() {
            do {
                let value = try interpreter.runTopLevel(statement)
                if index == program.statements.count - 1 { result = value }
            } catch {
                throw error.withSourceLine(from: code)
            }
        }
        guard let result, !result.isNone else { return nil }
        if case .host(let object) = result, let leading = object as? any LeadingDisplays {
            for bundle in leading.leadingBundles { context.output.display(bundle, displayID: nil) }
        }
        return result.displayBundle
    }

    /// Evaluates one expression for user_expressions, without side effects on the cell output.
    public func evaluate(expression: String, in context: ExecutionContext) throws(ScriptError) -> MimeBundle {
        let expr: Expr
        do {
            expr = try Parser.parseExpression(expression)
        } catch {
            throw ScriptError.syntax(error, in: expression)
        }
        var quiet = context
        quiet.output = DiscardingSink()
        let interpreter = Interpreter(session: self, execution: quiet)
        do {
            let value = try interpreter.runTopLevel(Stmt(.expression(expr), start: expr.start, end: expr.end))
            return (value ?? .none).displayBundle
        } catch {
            throw error.withSourceLine(from: expression)
        }
    }

    /// Whether `code` is ready to run.
    public func completeness(of code: String) -> Completeness {
        CompletenessChecker.check(code)
    }

    /// Completions at `cursor` (a code-point offset into `code`).
    public func completions(in code: String, cursor: Int) -> CompletionResult {
        Completer(session: self).complete(code, cursor: cursor)
    }

    /// Documentation of what is at `cursor` (text/plain and text/markdown), or nil.
    public func inspection(of code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        Inspector(session: self).inspect(code, cursor: cursor, detailLevel: detailLevel)
    }

    // MARK: Variables

    /// The names of all variables, sorted.
    public var variableNames: [String] { globals.keys.sorted() }

    /// The value of variable `name`, if bound.
    public func value(of name: String) -> Value? { globals[name]?.value }

    /// Binds `name` to `value` (as `let`, or `var` when `mutable`), e.g. for injected parameters.
    public func bind(_ name: String, to value: Value, mutable: Bool = true) {
        globals[name] = Binding(value: value, isVariable: mutable)
    }

    /// Forgets every variable.
    public func reset() { globals.removeAll() }
}

/// An output sink that drops everything (for user_expressions).
final class DiscardingSink: OutputSink {
    func write(_ text: String, to stream: OutputStream) {}
    func display(_ bundle: MimeBundle, displayID: String?) {}
    func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
    func clearOutput(wait: Bool) {}
}

extension ScriptError {
    /// A SyntaxError from a parse error, with its source line.
    static func syntax(_ error: ParseError, in code: String) -> ScriptError {
        ScriptError(kind: "SyntaxError", message: error.message, line: error.position.line, column: error.position.column)
            .withSourceLine(from: code)
    }

    /// This error with the text of its line filled in.
    func withSourceLine(from code: String) -> ScriptError {
        guard let line, sourceLine == nil else { return self }
        var copy = self
        var current = 1
        var lineText = ""
        var found = false
        for scalar in code.unicodeScalars {
            if scalar == "\n" {
                if current == line { found = true; break }
                current += 1
                continue
            }
            if current == line, scalar != "\r" { lineText.unicodeScalars.append(scalar) }
        }
        if found || current == line { copy.sourceLine = lineText }
        return copy
    }
}
