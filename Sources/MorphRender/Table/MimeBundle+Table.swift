import MorphJSON

extension MimeBundle {
    /// A bundle showing `table` as text/plain (aligned), text/html and text/markdown.
    public init(table: Table, rowLimit: Int = Table.displayRowLimit) {
        self.init(data: [
            "text/plain": .string(table.plainText(rowLimit: rowLimit)),
            "text/html": .string(table.html(rowLimit: rowLimit)),
            "text/markdown": .string(table.markdown(rowLimit: rowLimit)),
        ])
    }
}
