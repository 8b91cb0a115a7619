/// A file format chosen by a path's extension.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// PNG image (`.png`).
    case png
    /// SVG vector figure (`.svg`).
    case svg
    /// Comma-separated values, RFC 4180 (`.csv`).
    case csv
    /// JSON; tables column-oriented (`.json`).
    case json
    /// Markdown (`.md`, `.markdown`).
    case markdown = "md"
    /// A standalone HTML page (`.html`, `.htm`).
    case html
    /// Plain text (`.txt`).
    case text = "txt"

    /// The extension, without the dot.
    public var fileExtension: String { rawValue }

    /// The format for `path`'s extension (case-insensitive; ".markdown" counts as Markdown), or nil.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let ext = path[path.index(after: dot)...].lowercased()
        if ext == "markdown" { self = .markdown; return }
        if ext == "htm" { self = .html; return }
        self.init(rawValue: ext)
    }

    /// ".png, .svg, …" for error messages.
    static func list(_ formats: [ExportFormat]) -> String {
        formats.map { "." + $0.fileExtension }.joined(separator: ", ")
    }
}

/// Why a file could not be written: the path and the reason.
public struct ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The absolute path that was to be written.
    public var path: String
    /// What went wrong, and what to do if that is not obvious.
    public var reason: String

    /// An error about `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write '\(path)': \(reason)" }
}
