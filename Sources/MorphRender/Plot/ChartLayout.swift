#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a chart's parts go in SVG pixels: margins from the text sizes, axes, and data → pixel maps.
struct _ChartLayout {
    struct Rect { var x, y, width, height: Double }

    static let legendNameLimit = 28
    /// A rough average glyph width of a sans-serif face, as a fraction of the font size.
    static let glyphWidth = 0.56
    /// How much wider than `glyphWidth` legend text is allowed to be (capitals, wide fonts).
    static let legendGlyphFactor = 1.15

    let chart: Chart
    let bounds: (x: ClosedRange<Double>, y: ClosedRange<Double>)?
    let xAxis: _Axis
    let yAxis: _Axis
    let plot: Rect
    let showsLegend: Bool
    /// Where each series' legend entry goes: the swatch's left end and vertical centre.
    let legendItems: [(index: Int, x: Double, y: Double)]
    /// The series names as the legend shows them (shortened to the room there is).
    let legendNames: [String]
    /// The title as drawn (shortened if even the smallest size cannot fit it) and its font size.
    let titleText: String
    let titleSize: Double
    /// The baseline of the x axis title.
    let xLabelBaseline: Double
    /// The chart's height in pixels: the requested one, or more when a legend on the right needs it.
    let height: Int
    let identity: String

    /// The width in pixels of `text` at `size`, estimated for a sans-serif face (subscripts,
    /// written `_x` or `_{…}`, count at three quarters of a glyph).
    static func textWidth(_ text: String, size: Double) -> Double {
        var count = 0
        var previous: Character = " "
        for c in text {
            // "_{" and "^{" and "}" are markup, not glyphs.
            if !(c == "{" && (previous == "_" || previous == "^")) && c != "}" { count += 1 }
            previous = c
        }
        return Double(count) * size * glyphWidth
    }

    init(_ chart: Chart) {
        self.chart = chart
        let W = Double(max(chart.width, 160)), H = Double(max(chart.height, 120))
        let bounds = chart.dataBounds()
        self.bounds = bounds
        let scatter = !chart.series.isEmpty && chart.series.allSatisfy { $0.mark == .points }

        // The title shrinks from 15 to 11 px to fit, then is shortened.
        let room = W - 24
        var size = 15.0
        while size > 11, _ChartLayout.textWidth(chart.title, size: size) > room { size -= 1 }
        titleSize = size
        titleText = _ChartLayout.truncated(chart.title, to: max(4, Int(room / (size * _ChartLayout.glyphWidth))))

        // The legend goes on the right unless that would take more than a third of the width
        // and it fits in a few rows under the x axis; on the right, long names are shortened.
        let named = chart.series.count > 1 || chart.series.contains { !$0.name.isEmpty }
        let fullNames = chart.series.map { _ChartLayout.truncated($0.name, to: _ChartLayout.legendNameLimit) }
        let longest = fullNames.map { _ChartLayout.textWidth($0, size: 12) }.max() ?? 0
        let flowWidth = W - 130  // a conservative plot width, known before the y labels are
        var flow: [(index: Int, dx: Double, row: Int)] = []
        var x = 0.0, row = 0
        for (i, name) in fullNames.enumerated() {
            let w = 26 + _ChartLayout.textWidth(name, size: 12) + 18
            if x > 0, x + w > flowWidth { x = 0; row += 1 }
            flow.append((i, x, row))
            x += w
        }
        let wide = named && 26 + longest + 24 > W / 3
        let legendBelow = wide && Double(row + 1) * 20 + 8 <= H * 0.25
        let nameLimit = wide && !legendBelow
            ? max(6, Int((W * 0.4 - 54) / (12 * _ChartLayout.glyphWidth * _ChartLayout.legendGlyphFactor)))
            : _ChartLayout.legendNameLimit
        legendNames = chart.series.map { _ChartLayout.truncated($0.name, to: nameLimit) }
        // The entry starts 16 px right of the plot and its text 26 px further; names are measured
        // generously (wide letters), with 12 px to spare, so no font runs them past the edge.
        let sideWidth = named ? 16 + 26 + (legendNames.map { _ChartLayout.textWidth($0, size: 12) * _ChartLayout.legendGlyphFactor }.max() ?? 0) + 12 : 0
        let legendRows = legendBelow ? (flow.last?.row ?? 0) + 1 : 0

        let top: Double = chart.title.isEmpty ? 16 : 42
        let axisBottom: Double = chart.xLabel.isEmpty ? 32 : 54
        let bottom = axisBottom + (legendBelow ? Double(legendRows) * 20 + 8 : 0)
        // A legend on the right is never cut off: the chart grows to hold all its entries.
        let sideLegend = named && !legendBelow ? 8 + Double(chart.series.count) * 20 : 0
        let fullHeight = max(H, (top + sideLegend + bottom).rounded(.up))
        height = Int(fullHeight)
        let plotHeight = max(fullHeight - top - bottom, 40)

        // The y axis first: its labels decide the left margin.
        var yRange = bounds?.y ?? 0...1
        var xRange = bounds?.x ?? 0...1
        if scatter {
            yRange = _ChartLayout.padded(yRange)
            xRange = _ChartLayout.padded(xRange)
        }
        let yAxis = chart.logY && yRange.lowerBound > 0
            ? _Axis.logarithmic(yRange)
            : _Axis.linear(yRange, target: max(2, Int(plotHeight / 50)), nice: !scatter)
        let yLabelWidth = (yAxis.labels.map { Double($0.count) }.max() ?? 1) * 12 * _ChartLayout.glyphWidth
        let left = 12 + (chart.yLabel.isEmpty ? 0 : 20) + yLabelWidth + 10

        let right = legendBelow || !named ? 20 : max(20, sideWidth)
        let plotWidth = max(W - left - right, 60)

        // As many x ticks as fit their labels; whole numbers only when every x is one (epochs).
        let integral = !chart.series.isEmpty && chart.series.allSatisfy { $0.x.allSatisfy { $0.isFinite && $0 == $0.rounded() } }
        var target = max(3, Int(plotWidth / 70))
        var xAxis = _Axis.linear(xRange, target: target, nice: false, integers: integral)
        while target > 2 {
            let widest = (xAxis.labels.map { Double($0.count) }.max() ?? 1) * 12 * _ChartLayout.glyphWidth
            if Double(xAxis.ticks.count) * (widest + 12) <= plotWidth { break }
            target -= 1
            xAxis = _Axis.linear(xRange, target: target, nice: false, integers: integral)
        }
        self.xAxis = xAxis
        self.yAxis = yAxis
        let plot = Rect(x: left, y: top, width: plotWidth, height: plotHeight)
        self.plot = plot
        self.showsLegend = named
        xLabelBaseline = plot.y + plot.height + 42
        if legendBelow {
            let y0 = plot.y + plot.height + axisBottom + 6
            legendItems = flow.map { ($0.index, plot.x + $0.dx, y0 + Double($0.row) * 20) }
        } else if named {
            legendItems = chart.series.indices.map { ($0, plot.x + plot.width + 16, plot.y + 8 + Double($0) * 20) }
        } else {
            legendItems = []
        }
        self.identity = _ChartLayout.fingerprint(chart)
    }

    /// `range` widened by 5 % on each side (scatter plots keep points off the axes).
    static func padded(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
        let span = range.upperBound - range.lowerBound
        let pad = span > 0 ? span * 0.05 : max(abs(range.lowerBound) * 0.1, 1)
        return (range.lowerBound - pad)...(range.upperBound + pad)
    }

    func px(_ x: Double) -> Double { plot.x + xAxis.fraction(x) * plot.width }
    func py(_ y: Double) -> Double { plot.y + (1 - yAxis.fraction(y)) * plot.height }

    /// Whether point i of `s` at value `v` can be drawn.
    func drawable(_ s: Series, _ i: Int, _ v: Double) -> Bool {
        s.x[i].isFinite && chart.drawable(y: v)
    }

    /// Runs of consecutive drawable points of the line, in pixels.
    func lineRuns(_ s: Series) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = []
        var run: [(Double, Double)] = []
        for i in 0..<s.count {
            if drawable(s, i, s.y[i]) {
                run.append((px(s.x[i]), py(s.y[i])))
            } else if !run.isEmpty {
                runs.append(run)
                run = []
            }
        }
        if !run.isEmpty { runs.append(run) }
        return runs
    }

    /// The band as closed polygons (upper edge forwards, lower edge back), one per run of drawable points.
    func bandRuns(_ s: Series) -> [[(Double, Double)]] {
        guard let lower = s.lower, let upper = s.upper else { return [] }
        var polygons: [[(Double, Double)]] = []
        var run: [Int] = []
        func flush() {
            if run.count >= 2 {
                polygons.append(run.map { (px(s.x[$0]), py(upper[$0])) } + run.reversed().map { (px(s.x[$0]), py(lower[$0])) })
            }
            run.removeAll()
        }
        for i in 0..<s.count {
            if drawable(s, i, lower[i]) && drawable(s, i, upper[i]) { run.append(i) } else { flush() }
        }
        flush()
        return polygons
    }

    /// Polyline subpaths through the drawable points, broken at gaps.
    func linePath(_ s: Series) -> String {
        var d = ""
        var pen = false
        for i in 0..<s.count {
            guard drawable(s, i, s.y[i]) else { pen = false; continue }
            d += (pen ? "L" : "M") + _SVGWriter.n(px(s.x[i])) + " " + _SVGWriter.n(py(s.y[i]))
            pen = true
        }
        return d
    }

    /// A zero-length round-capped segment per point: dots, compact for many points.
    func dotPath(_ s: Series) -> String {
        var d = ""
        d.reserveCapacity(s.count * 14)
        for i in 0..<s.count where drawable(s, i, s.y[i]) {
            d += "M" + _SVGWriter.n(px(s.x[i])) + " " + _SVGWriter.n(py(s.y[i])) + "h0"
        }
        return d
    }

    /// Closed shapes between the band's edges, one per run of drawable points.
    func bandPath(_ s: Series) -> String {
        guard let lower = s.lower, let upper = s.upper else { return "" }
        var d = ""
        var run: [Int] = []
        func flush() {
            if run.count >= 2 {
                d += "M" + run.map { _SVGWriter.n(px(s.x[$0])) + " " + _SVGWriter.n(py(upper[$0])) }.joined(separator: "L")
                d += "L" + run.reversed().map { _SVGWriter.n(px(s.x[$0])) + " " + _SVGWriter.n(py(lower[$0])) }.joined(separator: "L")
                d += "Z"
            }
            run.removeAll()
        }
        for i in 0..<s.count {
            if drawable(s, i, lower[i]) && drawable(s, i, upper[i]) { run.append(i) } else { flush() }
        }
        flush()
        return d
    }

    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(limit - 1, 1))) + "…"
    }

    /// A short hash of the chart's content, so element ids differ between charts on one page.
    static func fingerprint(_ chart: Chart) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) { h = (h ^ v) &* 0x0000_0100_0000_01B3 }
        for b in (chart.title + "\u{1}" + chart.xLabel + "\u{1}" + chart.yLabel).utf8 { mix(UInt64(b)) }
        for s in chart.series {
            for b in s.name.utf8 { mix(UInt64(b)) }
            for v in s.x { mix(v.bitPattern) }
            for v in s.y { mix(v.bitPattern) }
        }
        mix(UInt64(chart.width) << 32 | UInt64(chart.height))
        let digits = Array("0123456789abcdef")
        return String((0..<10).map { digits[Int((h >> (UInt64($0) * 4)) & 0xF)] })
    }
}
