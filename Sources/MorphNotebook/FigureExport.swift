import MorphEngine
import MorphJSON
import MorphRender

/// Writes every figure a run produced (PNG and SVG outputs) under stable names:
/// `<notebook>-cell<NN>-<k>.<ext>`, NN the cell's position in the notebook, k the figure's in the cell.
public enum FigureExport {
    /// The files written, as absolute paths, in notebook order.
    @discardableResult
    public static func writeFigures(of notebook: Notebook, named stem: String, to directory: String) throws -> [String] {
        var written: [String] = []
        let width = max(2, String(notebook.cells.count).count)
        for (c, cell) in notebook.cells.enumerated() where cell.kind == .code {
            var k = 0
            for output in cell.outputs {
                guard let data = output["data"]?.objectValue else { continue }
                let files: [(ext: String, bytes: [UInt8])]
                if let b64 = data["image/png"]?.stringValue, let png = Base64.decode(b64) {
                    files = [("png", png)] + (data["image/svg+xml"].map { [("svg", Array(text($0).utf8))] } ?? [])
                } else if let svg = data["image/svg+xml"] {
                    files = [("svg", Array(text(svg).utf8))]
                } else {
                    continue
                }
                k += 1
                let number = String(repeating: "0", count: max(0, width - String(c + 1).count)) + String(c + 1)
                for file in files {
                    let path = directory + "/\(stem)-cell\(number)-\(k).\(file.ext)"
                    try AtomicFile.write(file.bytes, to: path)
                    written.append(path)
                }
            }
        }
        return written
    }

    /// A multiline nbformat string (a string or a list of lines) as one string.
    static func text(_ value: JSON) -> String {
        if let s = value.stringValue { return s }
        return value.arrayValue?.compactMap(\.stringValue).joined() ?? ""
    }
}
