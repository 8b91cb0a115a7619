import MorphJSON
import Testing

@testable import MorphNotebook

@Suite struct NotebookTests {
    static let sample = #"""
        {"nbformat": 4, "nbformat_minor": 4, "metadata": {"kernelspec": {"name": "morph"}},
         "cells": [
          {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "text"]},
          {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "let epochs = 10", "outputs": [], "execution_count": null},
          {"cell_type": "code", "id": "keep-me", "metadata": {}, "source": ["print(epochs)\n"], "outputs": [], "execution_count": 3}
         ]}
        """#

    @Test func readsSourcesAsStringsOrLines() throws {
        let nb = try Notebook(json: Array(Self.sample.utf8))
        #expect(nb.cells.map(\.kind) == [.markdown, .code, .code])
        #expect(nb.cells[0].source == "# Title\ntext")
        #expect(nb.cells[1].tags == ["parameters"])
        #expect(nb.cells[2].executionCount == 3)
    }

    @Test func givesEveryCellAUniqueValidID() throws {
        let nb = try Notebook(json: Array(Self.sample.utf8))
        let ids = nb.cells.map(\.id)
        #expect(Set(ids).count == 3)
        #expect(ids[2] == "keep-me")
        #expect(nb.formatMinor == 5)
    }

    @Test func writesNbformat45WithLineLists() throws {
        let nb = try Notebook(json: Array(Self.sample.utf8))
        let json = try JSON.parse(nb.jsonText())
        #expect(json["nbformat"]?.intValue == 4)
        #expect(json["nbformat_minor"]?.intValue == 5)
        let cells = try #require(json["cells"]?.arrayValue)
        #expect(cells[0]["source"] == ["# Title\n", "text"])
        #expect(cells[0]["outputs"] == nil)
        #expect(cells[1]["outputs"] == [])
        #expect(cells[1]["execution_count"] == .null)
        #expect(try Notebook(json: Array(nb.jsonText().utf8)) == nb)
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        ("[]", "JSON object"),
        (#"{"nbformat": 3, "cells": []}"#, "only nbformat 4"),
        (#"{"nbformat": 4}"#, "cells"),
        (#"{"nbformat": 4, "cells": [{"cell_type": "python"}]}"#, "cell_type"),
        (#"{"nbformat": 4, "cells": [{"cell_type": "code", "source": [1]}]}"#, "non-string line"),
    ])
    func rejectsBadFilesWithTheReason(text: String, reason: String) {
        #expect {
            try Notebook(json: Array(text.utf8), name: "bad.ipynb")
        } throws: { error in
            let message = (error as? NotebookError)?.message ?? ""
            return message.contains(reason) && message.contains("bad.ipynb")
        }
    }
}

@Suite struct ParameterLiteralTests {
    @Test(arguments: ["epochs=3", "rate=1e-3", "x=-0.5", "flag=true", #"data="fashion-mnist""#, "classes=[0, 1]", "nested=[[1], []]", " a = 1 "])
    func acceptsLiterals(_ argument: String) throws {
        let (name, literal) = try ParameterLiteral.parse(argument)
        #expect(!name.isEmpty && !literal.isEmpty)
        #expect(!name.contains(" "))
    }

    @Test(arguments: [("dataset=mnist", "\"mnist\""), ("data=fashion-mnist", "\"fashion-mnist\""), ("flag=true", "true"), ("n=12", "12")])
    func aBareWordIsAString(_ argument: String, _ expected: String) throws {
        #expect(try ParameterLiteral.parse(argument).literal == expected)
    }

    @Test(arguments: ["epochs", "=3", "2x=1", "x=", "x=two words", #"x="a\(b)""#, "x=[1,", "x=1 2", "x=1.", #"x="open"#, "x=a\"b"])
    func rejectsNonLiterals(_ argument: String) {
        #expect(throws: NotebookError.self) { try ParameterLiteral.parse(argument) }
    }
}

@Suite struct OutputRecorderTests {
    @Test func mergesConsecutiveStreamText() {
        let r = OutputRecorder()
        r.write("a", to: .stdout)
        r.write("b\n", to: .stdout)
        r.write("e", to: .stderr)
        r.write("c", to: .stdout)
        let outs = r.outputs[0] ?? []
        #expect(outs.count == 3)
        #expect(outs[0]["text"] == "ab\n")
        #expect(outs[1]["name"] == "stderr")
    }

    @Test func updatesDisplaysInPlaceAcrossCells() {
        let r = OutputRecorder()
        r.display(.init(plainText: "epoch 1"), displayID: "progress")
        r.currentCell = 1
        r.write("later", to: .stdout)
        r.updateDisplay(.init(plainText: "epoch 2"), displayID: "progress")
        #expect(r.outputs[0]?[0]["data"]?["text/plain"] == ["epoch 2"])
        #expect(r.outputs[1]?.count == 1)
    }

    @Test func clearWithWaitClearsOnTheNextOutput() {
        let r = OutputRecorder()
        r.write("old", to: .stdout)
        r.clearOutput(wait: true)
        #expect(r.outputs[0]?.count == 1)
        r.write("new", to: .stdout)
        #expect(r.outputs[0]?.count == 1)
        #expect(r.outputs[0]?[0]["text"] == "new")
        r.clearOutput(wait: false)
        #expect(r.outputs[0]?.isEmpty == true)
    }
}
