// libFuzzer target for the MorphScript lexer, parser and is_complete checker (cell text from
// any client reaches them). Built by scripts/fuzz.sh with Sources/MorphScript/Syntax/*.swift,
// Completeness.swift and Tools/CompletenessChecker.swift (one module).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScriptParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let source = String(decoding: bytes, as: UTF8.self)
    let lexed = Lexer.tokenize(source)
    precondition(lexed.tokens.last?.kind == .endOfInput, "token list does not end with endOfInput")
    _ = try? Parser.parse(source)
    _ = try? Parser.parseExpression(source)
    _ = CompletenessChecker.check(source)
    return 0
}
