import MorphJSON
import Testing
@testable import MorphRender

@Suite struct ChartTests {
    func bandChart(logY: Bool = false) throws -> Chart {
        let t = (0..<11).map { Double($0) / 10 }
        let conv = try Series.band(name: "Conv", x: t, mean: t.map { 2 + $0 }, sd: t.map { _ in 0.25 })
        let shallow = try Series(name: "Shallow <PCA> & \"linear\"", x: t, y: t.map { 5 - $0 }, mark: .lineAndPoints)
        return Chart(title: "Jacobian norm & steps <T=11>", xLabel: "t", yLabel: "‖J‖_F", series: [conv, shallow], logY: logY)
    }

    @Test func svgIsWellFormedAndEscapesText() throws {
        let svg = try bandChart().svg()
        let elements = try checkXML(svg)
        #expect(elements.first?.name == "svg")
        #expect(elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        #expect(texts.contains("Jacobian norm & steps <T=11>"))
        #expect(texts.contains("Shallow <PCA> & \"linear\""))
        // Subscripts are drawn as such: ‖J‖ then a lowered, smaller F.
        #expect(texts.contains("‖J‖"))
        let sub = try #require(elements.first { $0.name == "tspan" && $0.text == "F" })
        #expect(sub.attributes["baseline-shift"] == "sub")
        #expect(texts.contains("t"))
        #expect(svg.contains("sans-serif"))
    }

    @Test func legendsAreNeverCutOffAndGroupsShareAHue() throws {
        // Twelve series, in pairs of a group: the legend on the right holds every name inside
        // the SVG, the pairs share a colour and the second of each pair is dashed.
        var series: [Series] = []
        for k in 0..<12 {
            var s = try Series(name: "Model \(k / 2), \(k % 2 == 0 ? "within" : "across")", x: [1, 2, 3], y: [Double(k), Double(k) + 1, 0])
            s.group = "model \(k / 2)"
            series.append(s)
        }
        let chart = Chart(title: "Loss per epoch", xLabel: "epoch", yLabel: "loss", series: series)
        let svg = chart.svg()
        let elements = try checkXML(svg)
        let root = try #require(elements.first)
        let width = Double(root.attributes["width"] ?? "") ?? 0, height = Double(root.attributes["height"] ?? "") ?? 0
        let legend = elements.filter { $0.name == "text" && $0.text.hasPrefix("Model ") }
        #expect(legend.count == 12)
        for text in legend {
            let x = Double(text.attributes["x"] ?? "") ?? .infinity, y = Double(text.attributes["y"] ?? "") ?? .infinity
            // A generous glyph width (0.62 em at 12 px) still fits.
            #expect(x + Double(text.text.count) * 12 * 0.62 <= width, "\(text.text) runs past the right edge")
            #expect(y + 6 <= height, "\(text.text) is below the bottom")
        }
        #expect(chart.seriesColors[0] == chart.seriesColors[1] && chart.seriesColors[0] != chart.seriesColors[2])
        #expect(chart.seriesDashes[0] == nil && chart.seriesDashes[1] != nil)
        #expect(svg.contains("stroke-dasharray"))
        // The x axis of whole epochs has whole ticks only.
        let ticks = elements.filter { $0.name == "text" && Double($0.text) != nil }.map(\.text)
        #expect(!ticks.contains("1.5") && ticks.contains("2"))
        // Past ten groups, lines are dashed as well as coloured.
        let many = Chart(title: "", xLabel: "", yLabel: "", series: try (0..<12).map { try Series(name: "s\($0)", x: [0, 1], y: [0, 1]) })
        #expect(many.seriesDashes.prefix(10).allSatisfy { $0 == nil } && many.seriesDashes[10] != nil)
    }

    @Test func svgHasAxesTicksBandsLegendAndClipping() throws {
        let elements = try checkXML(try bandChart().svg())
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        // x ticks over [0, 1] and y ticks over a nice range around [1.75, 5].
        #expect(texts.contains("0.0") && texts.contains("1.0"))
        #expect(texts.contains("2.0") && texts.contains("5.0"))
        // One band (filled, translucent), one line per series, dots for lineAndPoints.
        let paths = elements.filter { $0.name == "path" }
        #expect(paths.filter { $0.attributes["fill-opacity"] == "0.2" }.count == 1)
        #expect(paths.filter { $0.attributes["fill"] == "none" && $0.attributes["stroke-width"] == "2" }.count == 2)
        // Every data element is inside a clipped group whose clip path exists.
        let clipID = try #require(elements.first { $0.name == "clipPath" }?.attributes["id"])
        #expect(elements.contains { $0.attributes["clip-path"] == "url(#\(clipID))" })
        // The legend names both series in palette colours.
        #expect(texts.contains("Conv"))
        #expect(paths.contains { $0.attributes["stroke"] == Palette.okabeIto[0] })
        #expect(paths.contains { $0.attributes["stroke"] == Palette.okabeIto[1] })
    }

    @Test func differentChartsGetDifferentClipIDs() throws {
        let a = try checkXML(try bandChart().svg()).first { $0.name == "clipPath" }?.attributes["id"]
        var other = try bandChart()
        other.title = "another"
        let b = try checkXML(other.svg()).first { $0.name == "clipPath" }?.attributes["id"]
        #expect(a != nil && a != b)
    }

    @Test func logAxisUsesDecadesAndDropsNonPositiveValues() throws {
        let loss = Series(name: "", y: [1000, 300, 0, -5, 30, 12, .nan, 8])
        let chart = Chart(title: "loss", xLabel: "step", yLabel: "SSE", series: [loss], logY: true)
        let elements = try checkXML(chart.svg())
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        #expect(texts.contains("1") && texts.contains("10") && texts.contains("100") && texts.contains("1000"))
        // The line breaks at the dropped points: three subpaths (1000–300, 30–12, 8).
        let line = try #require(elements.first { $0.name == "path" && $0.attributes["stroke-width"] == "2" })
        #expect(line.attributes["d"]?.filter { $0 == "M" }.count == 3)
        // No legend for one unnamed series.
        #expect(!texts.contains(""))
    }

    @Test func scatterHasOneSeriesPerClassInOrder() throws {
        let chart = try Chart.scatter(x: [0, 1, 2, 3], y: [3, 2, 1, 0], classes: ["b", "a", "b", "c"], xLabel: "z1", yLabel: "z2")
        #expect(chart.series.map(\.name) == ["b", "a", "c"])
        #expect(chart.series[0].x == [0, 2])
        #expect(chart.series.allSatisfy { $0.mark == .points })
        let elements = try checkXML(chart.svg())
        #expect(elements.filter { $0.name == "path" && $0.attributes["stroke-linecap"] == "round" && $0.attributes["d"]?.contains("h0") == true }.count == 3)
        #expect(throws: RenderError.self) { try Chart.scatter(x: [0], y: [0, 1], classes: ["a"]) }
    }

    @Test func emptyChartStillDraws() throws {
        let elements = try checkXML(Chart(series: []).svg())
        #expect(elements.contains { $0.text == "no data to plot" })
    }

    @Test func mismatchedSeriesAreErrors() {
        #expect(throws: RenderError.self) { try Series(name: "a", x: [1, 2], y: [1]) }
        #expect(throws: RenderError.self) { try Series.band(name: "a", x: [1, 2], mean: [1, 2], sd: [1]) }
        #expect(throws: RenderError.self) { try Series(name: "a", x: [1], y: [1], lower: [0, 0], upper: [2]) }
    }

    @Test func summaryAndDataTableCoverEverySeries() throws {
        let chart = try bandChart()
        let summary = chart.summary()
        #expect(summary.contains("Conv: 11 points"))
        #expect(summary.contains("with band"))
        let table = chart.table()
        #expect(table.columnNames == ["series", "t", "‖J‖_F", "lower", "upper"])
        #expect(table.rowCount == 22)
        #expect(table.columns[3].cells[0] == .number(1.75))
        #expect(table.columns[3].cells[11] == .empty)  // the second series has no band
    }
}

@Suite struct VegaLiteTests {
    /// The fields the Vega-Lite v5 schema requires of a top-level unit or layer spec, and of each encoding channel.
    func checkRequiredFields(_ spec: JSON) throws {
        #expect(spec["$schema"] == .string("https://vega.github.io/schema/vega-lite/v5.json"))
        let values = try #require(spec["data"]?["values"]?.arrayValue)
        #expect(!values.isEmpty)
        let units: [JSON] = spec["layer"]?.arrayValue ?? [spec]
        #expect(spec["layer"] != nil || spec["mark"] != nil)
        for unit in units {
            let mark = try #require(unit["mark"])
            let type = mark.stringValue ?? mark["type"]?.stringValue
            #expect(["line", "area", "point"].contains(type ?? ""))
            let encoding = try #require(unit["encoding"]?.objectValue)
            for channel in ["x", "y"] {
                let definition = try #require(encoding[channel])
                #expect(definition["field"]?.stringValue != nil)
                #expect(["quantitative", "nominal", "ordinal", "temporal"].contains(definition["type"]?.stringValue ?? ""))
            }
            if let color = encoding["color"] {
                #expect(color["field"] == "series")
                #expect(color["type"] == "nominal")
            }
            // Every field an encoding names exists in the data rows.
            for (_, definition) in encoding {
                for field in [definition["field"]] + (definition.arrayValue ?? []).map({ $0["field"] }) {
                    guard let name = field?.stringValue else { continue }
                    #expect(values.contains { $0[name] != nil }, "field \(name) is not in the data")
                }
            }
        }
    }

    @Test func bandChartHasAreaAndLineLayers() throws {
        let t: [Double] = [0, 0.5, 1]
        let chart = Chart(title: "norms", xLabel: "t", yLabel: "‖J‖", series: [
            try Series.band(name: "Conv", x: t, mean: [1, 2, 3], sd: [0.1, 0.2, 0.3]),
            try Series(name: "PCA", x: t, y: [2, 2, .nan]),
        ])
        let spec = chart.vegaLite()
        try checkRequiredFields(spec)
        let layers = try #require(spec["layer"]?.arrayValue)
        #expect(layers.count == 2)
        #expect(layers[0]["mark"]?["type"] == "area")
        #expect(layers[0]["encoding"]?["y2"]?["field"] == "upper")
        #expect(layers[1]["mark"]?["type"] == "line")
        #expect(layers[1]["params"] != nil)
        #expect(spec["title"] == "norms")
        #expect(spec["layer"]?[0]?["encoding"]?["x"]?["title"] == "t")
        // Rows: 3 + 3 with lower/upper for Conv only, NaN as null.
        let rows = try #require(spec["data"]?["values"]?.arrayValue)
        #expect(rows.count == 6)
        #expect(rows[0]["lower"]?.doubleValue.map { abs($0 - 0.9) < 1e-12 } == true)
        #expect(rows[5]["y"] == .null)
        #expect(rows[5]["lower"] == nil)
        // The colours match the SVG's.
        #expect(layers[1]["encoding"]?["color"]?["scale"]?["range"] == .array(chart.seriesColors.map { .string($0) }))
        // It survives a round trip through text (what the kernel sends).
        #expect(try JSON.parse(spec.serialized()) == spec)
    }

    subscript(_ json: JSON?, _ index: Int) -> JSON? { json?.arrayValue?[index] }

    @Test func scatterIsOneUnitSpec() throws {
        let chart = try Chart.scatter(x: [0, 1, 2], y: [1, 2, 3], classes: ["a", "b", "a"])
        let spec = chart.vegaLite()
        try checkRequiredFields(spec)
        #expect(spec["layer"] == nil)
        #expect(spec["mark"]?["type"] == "point")
        #expect(spec["transform"] == nil)
    }

    @Test func logScaleAndNoLegendForOneUnnamedSeries() throws {
        let chart = Chart(xLabel: "step", yLabel: "loss", series: [Series(name: "", y: [10, 0, 1])], logY: true)
        let spec = chart.vegaLite()
        try checkRequiredFields(spec)
        #expect(spec["encoding"]?["y"]?["scale"]?["type"] == "log")
        #expect(spec["encoding"]?["color"]?["legend"] == .null)
        #expect(spec["data"]?["values"]?.arrayValue?.count == 2)  // the zero is left out
    }

    @Test func bundleCarriesSVGVegaLiteAndText() throws {
        let bundle = MimeBundle(chart: Chart(series: [Series(name: "a", y: [1, 2])]))
        #expect(bundle.data["image/svg+xml"]?.stringValue?.hasPrefix("<svg") == true)
        #expect(bundle.data["application/vnd.vegalite.v5+json"]?["$schema"] != nil)
        #expect(bundle.plainText?.contains("a: 2 points") == true)
        #expect(bundle.metadata["application/vnd.vegalite.v5+json"]?["embed_options"]?["renderer"] == "svg")
    }
}

extension JSON {
    subscript(index: Int) -> JSON? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}

@Suite struct ChartRobustnessTests {
    @Test(arguments: [
        [Double.nan, .nan], [5], [3, 3, 3], [1e300, -1e300], [1e15, 1e15 + 0.5], [1e-300, 2e-300],
        [Double.infinity, 1, -Double.infinity], [-1, -2], [1e9 + 1e-7, 1e9], [0, 1e-12],
    ])
    func oddValuesStillGiveWellFormedCharts(values: [Double]) throws {
        for logY in [false, true] {
            let chart = Chart(title: "odd", series: [Series(name: "s", y: values)], logY: logY)
            let elements = try checkXML(chart.svg())
            let labels = elements.filter { $0.name == "text" }.map(\.text)
            #expect(labels.count < 120)
            _ = chart.vegaLite().serialized()
            _ = chart.summary()
        }
    }

    @Test func tickLabelsAreDistinct() {
        for (lo, hi) in [(0.0, 1.0), (1e6, 1e6 + 3), (-0.003, 0.007), (1_000_000_001.0, 1_000_000_009.0), (2.5e-7, 9.5e-7)] {
            let axis = _Axis.linear(lo...hi, target: 6, nice: true)
            #expect(axis.ticks.count >= 2, "\(lo)...\(hi)")
            #expect(Set(axis.labels).count == axis.labels.count, "\(axis.labels)")
            #expect(axis.domain.lowerBound <= lo && axis.domain.upperBound >= hi)
        }
    }
}

@Suite struct ChartRasterTests {
    @Test func rasterHasTheChartSizeAndDrawsSeriesInTheirColours() throws {
        let chart = Chart(title: "t", xLabel: "x", yLabel: "y", series: [
            try Series(name: "up", x: [0, 1], y: [0, 1]), try Series(name: "down", x: [0, 1], y: [1, 0]),
        ], width: 240, height: 160)
        let image = chart.raster(scale: 1)
        #expect(image.width == 240 && image.height == 160 && image.channels == 3)
        func count(_ hex: String) -> Int {
            let c = _Painter.rgb(hex)
            var n = 0
            for i in stride(from: 0, to: image.pixels.count, by: 3)
            where Int(image.pixels[i]) == c.0 && Int(image.pixels[i + 1]) == c.1 && Int(image.pixels[i + 2]) == c.2 { n += 1 }
            return n
        }
        #expect(count(Palette.okabeIto[0]) > 50)
        #expect(count(Palette.okabeIto[1]) > 50)
        #expect(image.pixels[0] == 255)  // white background
        // Twice the scale, twice the size; the PNG export decodes to it.
        let png = try #require(try chart.fileContents(forExtension: "png"))
        let decoded = try decodePNG(png)
        #expect(decoded.width == 480 && decoded.height == 320)
    }
}

@Suite struct ChartLayoutTests {
    func names(_ n: Int, length: Int) -> [Series] {
        (0..<n).map { Series(name: "series \($0) " + String(repeating: "x", count: length), y: [1, 2]) }
    }

    @Test func shortNamesGoOnTheRight() {
        let layout = _ChartLayout(Chart(series: names(3, length: 2)))
        #expect(layout.legendItems.count == 3)
        #expect(layout.legendItems.allSatisfy { $0.x > layout.plot.x + layout.plot.width })
    }

    @Test func longNamesFlowUnderTheAxisWhenThereIsRoom() {
        let layout = _ChartLayout(Chart(series: names(2, length: 18), width: 500, height: 400))
        #expect(layout.legendItems.allSatisfy { $0.y > layout.plot.y + layout.plot.height + 40 })
        #expect(layout.plot.width > 350)
        #expect(layout.legendNames[0].hasSuffix("x"))
    }

    @Test func manyLongNamesStayOnTheRightShortened() {
        let layout = _ChartLayout(Chart(series: names(8, length: 20), width: 420, height: 260))
        #expect(layout.legendItems.allSatisfy { $0.x > layout.plot.x + layout.plot.width })
        #expect(layout.legendNames.allSatisfy { $0.hasSuffix("…") })
        #expect(layout.plot.width > 420 * 0.45)
    }

    @Test func longTitlesShrinkThenShorten() {
        let layout = _ChartLayout(Chart(title: String(repeating: "long title ", count: 20), series: [], width: 400))
        #expect(layout.titleSize == 11)
        #expect(layout.titleText.hasSuffix("…"))
        #expect(_ChartLayout.textWidth(layout.titleText, size: layout.titleSize) <= 400)
        #expect(_ChartLayout(Chart(title: "short", series: [])).titleSize == 15)
    }
}
