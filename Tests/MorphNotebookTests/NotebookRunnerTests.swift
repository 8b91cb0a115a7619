import MorphJSON
import Testing

@testable import MorphNotebook

@Suite struct NotebookRunnerTests {
    func notebook(_ sources: [String], parametersAt: Int? = nil) -> Notebook {
        var cells = sources.enumerated().map { i, s in Cell(id: "c\(i)", kind: .code, source: s) }
        if let p = parametersAt { cells[p].tags = ["parameters"] }
        cells.insert(Cell(id: "md", kind: .markdown, source: "# Title"), at: 0)
        return Notebook(cells: cells)
    }

    @Test func runsCellsInOneSessionWithCountsAndResults() {
        let runner = NotebookRunner(workingDirectory: "/tmp")
        let out = runner.run(notebook(["let x = 20", "print(\"x is \\(x)\")\nx + 22"]))
        #expect(out.failure == nil)
        let cells = out.notebook.cells
        #expect(cells[1].executionCount == 1)
        #expect(cells[2].executionCount == 2)
        #expect(cells[2].outputs.first?["text"] == "x is 20\n")
        #expect(cells[2].outputs.last?["output_type"] == "execute_result")
        #expect(cells[2].outputs.last?["data"]?["text/plain"] == ["42"])
        #expect(out.notebook.metadata["kernelspec"]?["name"] == "morph")
        #expect(out.notebook.metadata["language_info"]?["file_extension"] == ".morph")
    }

    @Test func injectsParametersAfterTheTaggedCellAndReplacesAnEarlierInjection() {
        var runner = NotebookRunner(workingDirectory: "/tmp")
        runner.parameters = [("epochs", "3")]
        let first = runner.run(notebook(["let epochs = 10", "epochs"], parametersAt: 0))
        #expect(first.notebook.cells[2].tags == ["injected-parameters"])
        #expect(first.notebook.cells[3].outputs.last?["data"]?["text/plain"] == ["3"])
        runner.parameters = [("epochs", "4")]
        let second = runner.run(first.notebook)
        #expect(second.notebook.cells.filter { $0.tags.contains("injected-parameters") }.count == 1)
        #expect(second.notebook.cells[3].outputs.last?["data"]?["text/plain"] == ["4"])
    }

    @Test func stopsAtTheFirstErrorAndSaysWhichCell() {
        let runner = NotebookRunner(workingDirectory: "/tmp")
        let out = runner.run(notebook(["let a = 1", "a + nope", "a"]))
        #expect(out.failure?.cell == 3)
        #expect(out.failure?.error.kind == "NameError")
        #expect(out.notebook.cells[2].outputs.last?["output_type"] == "error")
        #expect(out.notebook.cells[3].executionCount == nil)
        #expect(out.notebook.cells[3].outputs.isEmpty)
    }

    @Test func runsOnAfterErrorsWhenAllowedKeepingState() {
        var runner = NotebookRunner(workingDirectory: "/tmp")
        runner.allowErrors = true
        let out = runner.run(notebook(["let a = 1", "let b = a + nope", "a"]))
        #expect(out.failure?.cell == 3)
        #expect(out.notebook.cells[3].outputs.last?["data"]?["text/plain"] == ["1"])
    }

    @Test func timeoutsPrintWholeWhenTheyAreWholeAndAsDoublesWhenTooLargeForAnInt() {
        #expect(NotebookRunner.format(30) == "30")
        #expect(NotebookRunner.format(0.5) == "0.5")
        #expect(NotebookRunner.format(1e300) == "1e+300")
        #expect(NotebookRunner.format(-.infinity) == "-inf")
    }

    @Test func interruptsACellThatOutlivesTheTimeout() {
        var runner = NotebookRunner(workingDirectory: "/tmp")
        runner.timeout = 0.2
        let out = runner.run(notebook(["var s = 0\nfor i in 0..<1000000000 { s = s + 1 }"]))
        #expect(out.failure?.error.kind == "Interrupted")
        #expect(out.failure?.error.message.contains("--timeout") == true)
    }

    @Test func inputIsAClearErrorHeadless() {
        let runner = NotebookRunner(workingDirectory: "/tmp")
        let out = runner.run(notebook(["let name = input(\"Name? \")"]))
        #expect(out.failure?.error.kind == "StdinNotAllowed")
    }
}
