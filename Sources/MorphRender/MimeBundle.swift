import MorphJSON

/// A value's displayable forms keyed by MIME type (`text/plain`, `image/png`, …), with metadata,
/// as Jupyter's display_data / execute_result carry them.
///
/// Text types hold strings; binary types (image/png) hold base64 strings; JSON types
/// (application/vnd.vegalite.v5+json, application/json) hold JSON values.
public struct MimeBundle: Sendable, Equatable {
    /// MIME type → representation.
    public var data: [String: JSON]
    /// MIME type → per-type metadata (e.g. image size), plus any top-level keys.
    public var metadata: [String: JSON]

    /// A bundle from its representations and metadata.
    public init(data: [String: JSON] = [:], metadata: [String: JSON] = [:]) {
        self.data = data
        self.metadata = metadata
    }

    /// A bundle holding only plain text.
    public init(plainText: String) {
        self.init(data: ["text/plain": .string(plainText)])
    }

    /// The `text/plain` form, if present.
    public var plainText: String? { data["text/plain"]?.stringValue }
}
