import Testing

/// The checker itself must reject what is not well-formed, or the SVG tests prove nothing.
@Suite struct XMLCheckerTests {
    @Test func acceptsWellFormedDocuments() throws {
        let elements = try checkXML("<?xml version=\"1.0\"?>\n<svg a=\"1\"><g><text x=\"2\">a &amp; b &lt;c&gt;</text></g><rect/></svg>\n")
        #expect(elements.map(\.name) == ["svg", "g", "text", "rect"])
        #expect(elements[2].text == "a & b <c>")
    }

    @Test(arguments: [
        "<svg><g></svg>", "<svg></g>", "<svg>a & b</svg>", "<svg>a < b</svg>", "<svg a=1/>",
        "<svg a=\"1\" a=\"2\"/>", "<svg/><svg/>", "text", "<svg x=\"<\"/>", "<svg>&nbsp;</svg>",
    ])
    func rejectsMalformedDocuments(document: String) {
        #expect(throws: XMLError.self) { try checkXML(document) }
    }
}
