import MorphRender
struct CompletenessChecker { static func check(_ code: String) -> Completeness { .complete } }
struct Completer { let session: Session; func complete(_ code: String, cursor: Int) -> CompletionResult { CompletionResult(matches: [], cursorStart: cursor, cursorEnd: cursor) } }
struct Inspector { let session: Session; func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? { nil } }
extension Library { static let files = Library(name: "files", builtins: []) }
