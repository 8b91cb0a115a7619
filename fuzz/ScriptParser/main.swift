// libFuzzer target for the MorphScript lexer and parser. Compiled together with
// Sources/MorphScript/Syntax/*.swift only (see scripts/fuzz.sh); no top-level code, so
// libFuzzer's own main links.

/// Lexes and parses arbitrary bytes; any crash, hang or sanitizer report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScriptParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lexed = Lexer.tokenize(text)
    // Invariants: one end token, last; positions inside the text.
    let scalarCount = text.unicodeScalars.count
    guard lexed.tokens.last?.kind == .endOfInput else { fatalError("no end token") }
    for token in lexed.tokens {
        if token.start.offset < 0 || token.end.offset > scalarCount || token.start.line < 1 || token.start.column < 1 {
            fatalError("token position out of range: \(token)")
        }
    }
    do {
        let program = try Parser.parse(text)
        _ = program.dump
    } catch {
        if error.position.offset > scalarCount { fatalError("error position out of range: \(error)") }
    }
    _ = try? Parser.parseExpression(text)
    return 0
}
