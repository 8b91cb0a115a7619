/// Completions at a cursor (Jupyter's complete_reply); positions count Unicode code points.
public struct CompletionResult: Sendable, Equatable {
    /// One suggestion.
    public struct Match: Sendable, Equatable {
        /// The text that replaces `cursorStart..<cursorEnd`.
        public var text: String
        /// Its kind for JupyterLab's icons: "function", "variable", "property", "keyword", "parameter", …
        public var type: String
        /// A short signature or type shown beside it.
        public var signature: String

        /// A match from its parts.
        public init(text: String, type: String, signature: String = "") {
            self.text = text
            self.type = type
            self.signature = signature
        }
    }

    /// The suggestions, best first.
    public var matches: [Match]
    /// Start of the replaced range, in code points.
    public var cursorStart: Int
    /// End of the replaced range, in code points.
    public var cursorEnd: Int

    /// A result from its parts.
    public init(matches: [Match], cursorStart: Int, cursorEnd: Int) {
        self.matches = matches
        self.cursorStart = cursorStart
        self.cursorEnd = cursorEnd
    }
}
