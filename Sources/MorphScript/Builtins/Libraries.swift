extension Library {
    /// The libraries every session starts with. Add a new library here (one line).
    public static let standard: [Library] = [.core, .math, .collections, .files, .tables, .widgets]
}
