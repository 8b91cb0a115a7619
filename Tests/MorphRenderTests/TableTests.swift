import MorphJSON
import Testing
@testable import MorphRender

@Suite struct TableTests {
    func losses() throws -> Table {
        try Table(columns: [
            Column("model", texts: ["Shallow", "BakeOff", "Conv | CNN"]),
            Column("L2 recover loss", numbers: [1214.25, 702.5, 530.125], precision: 2),
            Column("epochs", integers: [5, 5, 10]),
        ], title: "Losses <test>")
    }

    @Test func plainTextAlignsColumns() throws {
        let text = try losses().plainText()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Losses <test>",
            "model       L2 recover loss  epochs",
            "----------  ---------------  ------",
            "Shallow             1214.25       5",
            "BakeOff              702.50       5",
            "Conv | CNN           530.12      10",
        ] || lines[5] == "Conv | CNN           530.13      10")
    }

    @Test func htmlEscapesCellsAndAlignsNumbers() throws {
        var table = try losses()
        table = try Table(columns: table.columns + [Column("note", texts: ["<b>&", "", "\"q\""])], title: table.title)
        let html = table.html()
        let elements = try checkXML(html)  // the table is well-formed XHTML too
        #expect(elements.first?.name == "table")
        #expect(elements.first { $0.name == "caption" }?.text == "Losses <test>")
        #expect(elements.filter { $0.name == "th" }.map(\.text) == ["model", "L2 recover loss", "epochs", "note"])
        let cells = elements.filter { $0.name == "td" }
        #expect(cells.count == 12)
        #expect(cells[3].text == "<b>&")
        #expect(cells[1].attributes["style"] == "text-align:right")
        #expect(cells[0].attributes["style"] == "text-align:left")
        #expect(html.contains("&lt;b&gt;&amp;"))
    }

    @Test func markdownIsAPipeTable() throws {
        let md = try losses().markdown()
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "**Losses <test>**")
        #expect(lines[2] == "| model | L2 recover loss | epochs |")
        #expect(lines[3] == "| --- | ---: | ---: |")
        #expect(lines[4] == "| Shallow | 1214.25 | 5 |")
        #expect(lines[6].hasPrefix("| Conv \\| CNN | 530.1"))
        #expect(md.hasSuffix("\n"))
    }

    @Test func csvFollowsRFC4180() throws {
        let table = try Table(columns: [
            Column("name, full", texts: ["plain", "with,comma", "with \"quote\"", "two\nlines"]),
            Column("x", [.number(0.1), .integer(3), .empty, .number(1e-7)]),
        ])
        #expect(table.csv() == "\"name, full\",x\r\nplain,0.1\r\n\"with,comma\",3\r\n\"with \"\"quote\"\"\",\r\n\"two\nlines\",1e-07\r\n")
    }

    @Test func csvKeepsFullPrecisionWhileDisplaysRound() throws {
        let table = try Table(columns: [Column("v", numbers: [1.0 / 3.0], precision: 2)])
        #expect(table.csv() == "v\r\n0.3333333333333333\r\n")
        #expect(table.plainText().hasSuffix("0.33"))
    }

    @Test func jsonIsColumnOriented() throws {
        let json = try losses().columnJSON()
        #expect(json["model"] == ["Shallow", "BakeOff", "Conv | CNN"])
        #expect(json["L2 recover loss"] == [1214.25, 702.5, 530.125])
        #expect(json["epochs"] == [5, 5, 10])
        let odd = try Table(columns: [Column("a", [.number(.nan), .empty]), Column("a", integers: [1, 2])])
        #expect(odd.columnJSON() == ["a": [nil, nil], "a (2)": [1, 2]])
    }

    @Test func automaticPrecisionFollowsMagnitude() throws {
        let table = try Table(columns: [
            Column("big", numbers: [1214.3, 702]), Column("small", numbers: [0.01234, 0.5]),
            Column("tiny", numbers: [1.5e-7, 2e-6]),
        ])
        let row = table.plainText().split(separator: "\n")[2]
        #expect(row.contains("1214") && !row.contains("1214.3"))
        #expect(row.contains("0.0123"))
        #expect(row.contains("1.5e-7"))
    }

    @Test func automaticPrecisionKeepsSmallValuesBesideLargeOnes() throws {
        let table = try Table(columns: [Column("value", numbers: [9462.1, 0.0512])])
        let lines = table.plainText().split(separator: "\n")
        #expect(lines[2].contains("9462.1"))
        #expect(lines[3].contains("0.051"))
    }

    @Test func longTablesAreShortenedOnlyInDisplays() throws {
        let table = try Table(columns: [Column("i", integers: Array(0..<250))])
        #expect(table.plainText().contains("… 150 more rows"))
        #expect(table.html().contains("150 more rows"))
        #expect(table.csv().split(separator: "\r\n").count == 251)
        #expect(!table.markdown().contains("more rows"))
    }

    @Test func rowsInitialiserAndErrors() throws {
        let table = try Table(header: ["a", "b"], rows: [["x", 1], ["y"]])
        #expect(table.rowCount == 2)
        #expect(table.columns[1].cells == [.integer(1), .empty])
        #expect(throws: RenderError.self) { try Table(header: ["a"], rows: [["x", 1]]) }
        #expect(throws: RenderError.self) { try Table(columns: [Column("a", integers: [1]), Column("b", integers: [])]) }
    }

    @Test func bundleHasThreeForms() throws {
        let bundle = MimeBundle(table: try losses())
        #expect(bundle.data["text/plain"]?.stringValue?.contains("BakeOff") == true)
        #expect(bundle.data["text/html"]?.stringValue?.hasPrefix("<table") == true)
        #expect(bundle.data["text/markdown"]?.stringValue?.contains("| --- |") == true)
    }
}

@Suite struct NumberTextTests {
    @Test func fixedDecimals() {
        #expect(NumberText.fixed(3.14159, decimals: 2) == "3.14")
        #expect(NumberText.fixed(-0.001, decimals: 2) == "0.00")
        #expect(NumberText.fixed(-2.5, decimals: 0) == "-3")
        #expect(NumberText.fixed(0.05, decimals: 3) == "0.050")
        #expect(NumberText.fixed(1214, decimals: 1) == "1214.0")
        #expect(NumberText.fixed(.nan, decimals: 2) == "NaN")
        #expect(NumberText.fixed(-.infinity, decimals: 2) == "-inf")
        #expect(NumberText.fixed(1e300, decimals: 2) == "1e300")
    }

    @Test func significantDigits() {
        #expect(NumberText.significant(1234.5678, digits: 4) == "1235")
        #expect(NumberText.significant(0.000123456, digits: 3) == "0.000123")
        #expect(NumberText.significant(1.5e-7, digits: 3) == "1.5e-7")
        #expect(NumberText.significant(9.9996, digits: 4) == "10")
        #expect(NumberText.significant(-2.5e9, digits: 2) == "-2.5e9")
        #expect(NumberText.significant(0) == "0")
    }

    @Test func exactRoundTrips() {
        for v in [0.1, 1.0 / 3.0, 1e-7, 123456789.125, -0.0] {
            #expect(Double(NumberText.exact(v)) == v)
        }
        #expect(NumberText.exact(3) == "3")
    }
}
