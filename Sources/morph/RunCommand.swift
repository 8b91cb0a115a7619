import ArgumentParser
import FoundationEssentials
import MorphEngine
import MorphNotebook
import MorphScript

#if canImport(Glibc)
    import Glibc
#endif

/// `morph run`: executes notebooks headlessly with the same interpreter the kernel uses.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Execute notebooks headlessly, write them with outputs, and export their figures."
    )

    @ArgumentParser.Argument(help: "The notebooks (.ipynb) to run, in order.")
    var notebooks: [String]

    @Option(name: .long, help: "Folder for the executed notebooks.")
    var output: String = "out"

    @Option(name: .long, help: "Folder for exported figures and for relative paths in cells (default: OUTPUT/figures).")
    var figures: String?

    @Option(name: .customShort("p"), help: "Set a parameter: NAME=VALUE, VALUE a MorphScript literal (3, 0.5, true, \"text\", [0, 1]).")
    var parameters: [String] = []

    @Option(name: .long, help: "Seconds a cell may run before it is interrupted.")
    var timeout: Double?

    @Flag(name: .long, help: "Run on after a cell fails (the error is kept in the notebook).")
    var allowErrors = false

    func validate() throws {
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        for p in parameters {
            do { _ = try ParameterLiteral.parse(p) } catch { throw ValidationError(error.description) }
        }
    }

    func run() throws {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : cwd + "/" + p }
        let outputDirectory = absolute(output)
        let figureDirectory = absolute(figures ?? output + "/figures")
        for dir in [outputDirectory, figureDirectory] {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw ValidationError("cannot create the folder \(dir): \(error)")
            }
        }
        var runner = NotebookRunner(workingDirectory: figureDirectory)
        var parsed: [(name: String, literal: String)] = []
        for p in parameters {
            do { parsed.append(try ParameterLiteral.parse(p)) } catch { throw ValidationError(error.description) }
        }
        runner.parameters = parsed
        runner.timeout = timeout
        runner.allowErrors = allowErrors
        var failed = false
        for path in notebooks {
            let name = String(path.split(separator: "/").last ?? Substring(path))
            let stem = name.hasSuffix(".ipynb") ? String(name.dropLast(6)) : name
            guard let bytes = FileManager.default.contents(atPath: absolute(path)) else {
                throw ValidationError("cannot read the notebook \(path): no such file, or not readable")
            }
            let notebook = try Notebook(json: Array(bytes), name: path)
            printError("▶ \(path)")
            runner.progress = { event in
                switch event {
                case .cellStarted(let i, let n, let line):
                    printError("  [\(i)/\(n)] \(line.prefix(60))", terminator: "")
                case .cellFinished(_, let seconds):
                    printError("  ✓ \(formatSeconds(seconds))")
                case .cellFailed(_, let error):
                    printError("  ✗ \(error.kind)")
                }
            }
            let outcome = runner.run(notebook)
            let outPath = outputDirectory + "/" + name
            try AtomicFile.write(Array(outcome.notebook.jsonText().utf8), to: outPath)
            let figs = try FigureExport.writeFigures(of: outcome.notebook, named: stem, to: figureDirectory)
            printError("  wrote \(outPath) and \(figs.count) figure file\(figs.count == 1 ? "" : "s") in \(figureDirectory)")
            if let failure = outcome.failure {
                printError("  cell \(failure.cell) of \(path) failed:\n" + failure.error.traceback.map { "    " + $0 }.joined(separator: "\n"))
                if !allowErrors {
                    failed = true
                    break
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}

private func formatSeconds(_ s: Double) -> String {
    s < 1 ? "\(Int(s * 1000)) ms" : "\(Int(s * 10) / 10).\(Int(s * 10) % 10) s"
}

/// Writes progress to standard error (file descriptor 2, unbuffered).
func printError(_ text: String, terminator: String = "\n") {
    let bytes = Array((text + terminator).utf8)
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
            if n <= 0 { break }
            offset += n
        }
    }
}
