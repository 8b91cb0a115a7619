import MorphJSON

/// A Jupyter notebook (nbformat 4), as `morph run` reads, executes and writes it.
public struct Notebook: Sendable, Equatable {
    /// Notebook-level metadata (kernelspec, language_info, …).
    public var metadata: [String: JSON]
    /// The cells in order.
    public var cells: [Cell]
    /// The minor format version written (5 gives cell ids, nbformat 4.5).
    public var formatMinor: Int

    /// A notebook from its cells and metadata.
    public init(cells: [Cell], metadata: [String: JSON] = [:], formatMinor: Int = 5) {
        self.cells = cells
        self.metadata = metadata
        self.formatMinor = formatMinor
    }
}

/// Why a notebook file could not be read.
public struct NotebookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, naming the file where known.
    public var message: String

    /// An error with its message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Notebook {
    /// Reads a notebook from its JSON text; rejects anything that is not nbformat 4.
    public init(json bytes: [UInt8], name: String = "notebook") throws(NotebookError) {
        let root: JSON
        do {
            root = try JSON.parse(utf8: bytes)
        } catch {
            throw NotebookError("\(name) is not valid JSON (\(error)); is it an .ipynb file?")
        }
        guard case .object(let top) = root else { throw NotebookError("\(name): a notebook is a JSON object") }
        guard top["nbformat"]?.intValue == 4 else {
            let found = top["nbformat"].map { $0.serialized() } ?? "none"
            throw NotebookError("\(name): only nbformat 4 notebooks are supported (found nbformat \(found)); convert it with `jupyter nbconvert --to notebook`")
        }
        guard case .array(let rawCells)? = top["cells"] else { throw NotebookError("\(name): missing the \"cells\" array") }
        var cells: [Cell] = []
        for (i, raw) in rawCells.enumerated() {
            cells.append(try Cell(json: raw, index: i, notebook: name))
        }
        self.init(cells: cells, metadata: top["metadata"]?.objectValue ?? [:], formatMinor: max(5, top["nbformat_minor"]?.intValue ?? 5))
        ensureUniqueCellIDs()
    }

    /// The notebook as nbformat 4.5 JSON (one-space indent, as Jupyter writes it).
    public func jsonText() -> String {
        let root: JSON = .object([
            "nbformat": 4,
            "nbformat_minor": JSON(formatMinor),
            "metadata": .object(metadata),
            "cells": .array(cells.map { $0.json() }),
        ])
        return root.prettyPrinted(indent: 1) + "\n"
    }

    /// Gives every cell a valid id, unique in the notebook (nbformat 4.5 requires them).
    public mutating func ensureUniqueCellIDs() {
        var seen = Set<String>()
        for i in cells.indices {
            var id = cells[i].id
            let valid = !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { Cell.isIDCharacter($0) }
            if !valid || seen.contains(id) {
                var n = i + 1
                repeat { id = "cell-\(n)"; n += 1000 } while seen.contains(id)
                cells[i].id = id
            }
            seen.insert(id)
        }
    }
}
