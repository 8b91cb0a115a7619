import Glibc
import MorphJSON
import Testing
@testable import MorphRender

/// A fresh directory under /tmp for one test, removed at the end.
final class TemporaryDirectory {
    let path: String
    init() throws {
        var template = Array("/tmp/morph-render-test-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw RenderError("mkdtemp failed") }
        path = String(cString: p)
    }
    deinit { _ = system("rm -rf '\(path)'") }

    func read(_ name: String) -> [UInt8]? {
        guard let f = fopen(path + "/" + name, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    func text(_ name: String) -> String? { read(name).map { String(decoding: $0, as: UTF8.self) } }

    /// Every name in `directory` (relative), hidden ones included.
    func entries(_ directory: String = "") -> [String] {
        guard let d = opendir(path + "/" + directory) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

@Suite struct ExportTests {
    func table() throws -> Table {
        try Table(columns: [Column("model", texts: ["a,b", "c"]), Column("loss", numbers: [1.5, 2])])
    }

    @Test func writesEachFormatByExtensionCreatingDirectories() throws {
        let dir = try TemporaryDirectory()
        let image = try RasterImage(width: 3, height: 2, channels: 1, pixels: [0, 50, 100, 150, 200, 250])
        let written = try Export.write(image, to: "figures/deep/strip.png", relativeTo: dir.path)
        #expect(written == dir.path + "/figures/deep/strip.png")
        #expect(try decodePNG(#require(dir.read("figures/deep/strip.png"))).pixels == image.pixels)

        let chart = Chart(title: "c", series: [Series(name: "s", y: [1, 2, 3])])
        try Export.write(chart, to: dir.path + "/c.svg")
        #expect(try checkXML(#require(dir.text("c.svg"))).first?.name == "svg")
        try Export.write(chart, to: "c.csv", relativeTo: dir.path)
        #expect(dir.text("c.csv") == "series,x,y\r\ns,0,1\r\ns,1,2\r\ns,2,3\r\n")

        try Export.write(table(), to: "t.csv", relativeTo: dir.path)
        #expect(dir.text("t.csv") == "model,loss\r\n\"a,b\",1.5\r\nc,2\r\n")
        try Export.write(table(), to: "t.json", relativeTo: dir.path)
        #expect(try JSON.parse(#require(dir.text("t.json"))) == ["model": ["a,b", "c"], "loss": [1.5, 2]])
        try Export.write(table(), to: "./sub/../t.md", relativeTo: dir.path)
        #expect(dir.text("t.md")?.contains("| model | loss |") == true)
        try Export.write(table(), to: "t.HTML", relativeTo: dir.path)
        #expect(dir.text("t.HTML")?.contains("<table") == true)
        #expect(dir.entries() == ["c.csv", "c.svg", "figures", "t.HTML", "t.csv", "t.json", "t.md"])
    }

    @Test func bundlesExportTheirMatchingForm() throws {
        let dir = try TemporaryDirectory()
        let image = try RasterImage(width: 2, height: 2, channels: 3, pixels: Array(0..<12))
        try Export.write(MimeBundle(png: image), to: "a.png", relativeTo: dir.path)
        #expect(try decodePNG(#require(dir.read("a.png"))).pixels == image.pixels)
        let chartBundle = MimeBundle(chart: Chart(series: [Series(name: "s", y: [1, 2])]))
        try Export.write(chartBundle, to: "spec.json", relativeTo: dir.path)
        #expect(try JSON.parse(#require(dir.text("spec.json")))["$schema"] != nil)
        #expect(throws: ExportError.self) { try Export.write(chartBundle, to: "x.csv", relativeTo: dir.path) }
    }

    @Test func overwritesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let dir = try TemporaryDirectory()
        try Export.write(table(), to: "t.csv", relativeTo: dir.path)
        try Export.write(try Table(columns: [Column("only", integers: [1])]), to: "t.csv", relativeTo: dir.path)
        #expect(dir.text("t.csv") == "only\r\n1\r\n")
        #expect(dir.entries() == ["t.csv"])
    }

    @Test func aPlantedSymbolicLinkIsReplacedNotFollowed() throws {
        let dir = try TemporaryDirectory()
        let victim = dir.path + "/victim.txt"
        let bytes = Array("precious".utf8)
        try Export.writeAtomically(bytes, to: victim)
        #expect(symlink(victim, dir.path + "/out.txt") == 0)
        try Export.writeAtomically(Array("new".utf8), to: dir.path + "/out.txt")
        #expect(dir.read("victim.txt") == bytes)
        #expect(dir.text("out.txt") == "new")
        var info = stat()
        #expect(lstat(dir.path + "/out.txt", &info) == 0 && info.st_mode & S_IFMT == S_IFREG)
        #expect(info.st_mode & 0o777 == 0o644)
        #expect(dir.entries() == ["out.txt", "victim.txt"])
    }

    @Test func pathUnderARegularFileIsAClearError() throws {
        let dir = try TemporaryDirectory()
        try Export.write(table(), to: "file.csv", relativeTo: dir.path)
        let target = dir.path + "/file.csv/inner/t.csv"
        let t = try table()
        let error = #expect(throws: ExportError.self) { try Export.write(t, to: target) }
        #expect(error?.path == target)
        #expect(error?.description.contains(target) == true)
        #expect(error?.reason.contains("not a directory") == true)
        // Directly in a file's "directory": the rename or open fails with ENOTDIR.
        #expect(throws: ExportError.self) { try Export.write(t, to: dir.path + "/file.csv/t.csv") }
        #expect(dir.entries() == ["file.csv"])
    }

    @Test func failedRenameRemovesTheTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        #expect(mkdir(dir.path + "/taken.csv", 0o755) == 0)
        let t = try table()
        let error = #expect(throws: ExportError.self) { try Export.write(t, to: "taken.csv", relativeTo: dir.path) }
        #expect(error?.reason.contains("directory") == true)
        #expect(dir.entries() == ["taken.csv"])
        #expect(dir.entries("taken.csv").isEmpty)
    }

    @Test func unsupportedExtensionsAndFormatsNameTheAlternatives() throws {
        let dir = try TemporaryDirectory()
        let t = try table()
        let gif = #expect(throws: ExportError.self) { try Export.write(t, to: "t.gif", relativeTo: dir.path) }
        #expect(gif?.reason.contains(".png, .svg, .csv, .json, .md, .html") == true)
        let png = #expect(throws: ExportError.self) { try Export.write(t, to: "t.png", relativeTo: dir.path) }
        #expect(png?.reason == "a table exports as .csv, .json, .md, .html, .txt, not .png")
        let image = try RasterImage(width: 1, height: 1, channels: 1, pixels: [0])
        let csv = #expect(throws: ExportError.self) { try Export.write(image, to: "t.csv", relativeTo: dir.path) }
        #expect(csv?.reason == "an image exports as .png, .html, not .csv")
        #expect(throws: ExportError.self) { try Export.write(t, to: "noextension", relativeTo: dir.path) }
        #expect(dir.entries().isEmpty)
    }

    @Test func relativePathsNeedAnAbsoluteBase() throws {
        #expect(throws: ExportError.self) { try Export.resolve("a.png", relativeTo: nil) }
        #expect(throws: ExportError.self) { try Export.resolve("a.png", relativeTo: "relative/base") }
        #expect(throws: ExportError.self) { try Export.resolve("", relativeTo: "/tmp") }
        #expect(throws: ExportError.self) { try Export.resolve("figs/", relativeTo: "/tmp") }
        #expect(try Export.resolve("../x/./a.png", relativeTo: "/tmp/nb") == "/tmp/x/a.png")
        #expect(try Export.resolve("/abs//a.png", relativeTo: "/ignored") == "/abs/a.png")
    }
}

@Suite struct FileContentsTests {
    @Test func contentsByExtension() throws {
        let table = try Table(columns: [Column("a", integers: [1])])
        #expect(try table.fileContents(forExtension: "csv") == Array("a\r\n1\r\n".utf8))
        #expect(try table.fileContents(forExtension: ".CSV") == Array("a\r\n1\r\n".utf8))
        #expect(try table.fileContents(forExtension: "markdown") != nil)
        #expect(try table.fileContents(forExtension: "png") == nil)
        #expect(try table.fileContents(forExtension: "gif") == nil)
        let svg = try Chart(series: [Series(name: "s", x: [-2, 2], y: [-1, 1])]).fileContents(forExtension: "svg")
        let text = String(decoding: try #require(svg), as: UTF8.self)
        #expect(text.hasPrefix("<?xml"))
        #expect(text.contains(">\u{2212}1")) // tick labels use a true minus sign
    }
}
