import MorphJSON

/// A 2-D chart of one or more series (lines, bands, scatter), drawn as SVG by Morph and
/// described as the same chart in Vega-Lite, for display and export.
public struct Chart: Sendable, Equatable {
    /// The heading above the plot ("" for none).
    public var title: String
    /// The x axis title.
    public var xLabel: String
    /// The y axis title.
    public var yLabel: String
    /// The series, drawn in order and coloured by position.
    public var series: [Series]
    /// Whether the y axis is logarithmic (non-positive values are then left out).
    public var logY: Bool
    /// The SVG's width in pixels.
    public var width: Int
    /// The SVG's height in pixels.
    public var height: Int
    /// Explicit colours (`#rrggbb`), one per series; nil uses the colour-blind friendly palette.
    public var colors: [String]?

    /// A chart of `series` with axis titles.
    public init(title: String = "", xLabel: String = "x", yLabel: String = "y", series: [Series],
                logY: Bool = false, width: Int = 640, height: Int = 400, colors: [String]? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logY = logY
        self.width = width
        self.height = height
        self.colors = colors
    }

    /// A scatter plot of points coloured by class (e.g. latent codes by label): one series per
    /// distinct class, in order of first appearance unless `classOrder` is given.
    public static func scatter(
        x: [Double], y: [Double], classes: [String], classOrder: [String]? = nil,
        title: String = "", xLabel: String = "x", yLabel: String = "y", width: Int = 560, height: Int = 440
    ) throws(RenderError) -> Chart {
        guard x.count == y.count, x.count == classes.count else {
            throw RenderError("scatter needs as many classes as points: \(x.count) x, \(y.count) y, \(classes.count) classes")
        }
        var order = classOrder ?? []
        var seen = Set(order)
        for c in classes where !seen.contains(c) {
            seen.insert(c)
            order.append(c)
        }
        var xs: [String: [Double]] = [:], ys: [String: [Double]] = [:]
        for i in x.indices {
            xs[classes[i], default: []].append(x[i])
            ys[classes[i], default: []].append(y[i])
        }
        var series: [Series] = []
        for c in order where xs[c] != nil {
            series.append(try Series(name: c, x: xs[c] ?? [], y: ys[c] ?? [], mark: .points))
        }
        return Chart(title: title, xLabel: xLabel, yLabel: yLabel, series: series, width: width, height: height)
    }

    /// The colour of each series.
    public var seriesColors: [String] {
        let groups = seriesGroups
        let palette = Palette.colors(count: (groups.max() ?? -1) + 1)
        guard let colors, !colors.isEmpty else { return groups.map { palette[$0] } }
        return series.indices.map { $0 < colors.count ? colors[$0] : palette[groups[$0]] }
    }

    /// Each series' colour group: series with the same `group` share one, others get their own.
    var seriesGroups: [Int] {
        var index: [String: Int] = [:]
        var next = 0
        return series.map { s in
            if let g = s.group, let known = index[g] { return known }
            defer { next += 1 }
            if let g = s.group { index[g] = next }
            return next
        }
    }

    /// Each series' SVG dash pattern, nil for solid: the second and later series of a group, and
    /// every series past the palette's ten colours, are dashed so no two look alike.
    public var seriesDashes: [String?] {
        let patterns = ["6 3", "2 3", "8 3 2 3", "1 2"]
        let groups = seriesGroups
        var seen: [Int: Int] = [:]
        return groups.map { g in
            let rank = seen[g, default: 0]
            seen[g] = rank + 1
            let style = rank + g / Palette.tableau10.count
            return style == 0 ? nil : patterns[(style - 1) % patterns.count]
        }
    }

    /// Whether a value can be drawn on the y axis (finite, and positive on a log axis).
    func drawable(y value: Double) -> Bool {
        value.isFinite && (!logY || value > 0)
    }

    /// The smallest and largest drawable x and y values over all series (bands included).
    func dataBounds() -> (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
        var x0 = Double.infinity, x1 = -Double.infinity, y0 = Double.infinity, y1 = -Double.infinity
        for s in series {
            for i in 0..<s.count where s.x[i].isFinite {
                var ys = [s.y[i]]
                if let lower = s.lower, let upper = s.upper { ys += [lower[i], upper[i]] }
                for v in ys where drawable(y: v) {
                    x0 = min(x0, s.x[i]); x1 = max(x1, s.x[i])
                    y0 = min(y0, v); y1 = max(y1, v)
                }
            }
        }
        guard x0 <= x1, y0 <= y1 else { return nil }
        return (x0...x1, y0...y1)
    }

    /// A short text description: the title, the axes and each series' size and y range.
    public func summary() -> String {
        var lines: [String] = []
        let kind = series.allSatisfy { $0.mark == .points } ? "scatter plot" : "chart"
        lines.append((title.isEmpty ? kind.prefix(1).uppercased() + kind.dropFirst() : "\(title) (\(kind))")
                     + ": \(yLabel) against \(xLabel)" + (logY ? ", log y" : ""))
        for s in series {
            let finite = s.y.filter(\.isFinite)
            var line = "  \(s.name.isEmpty ? "series" : s.name): \(s.count) points"
            if let lo = finite.min(), let hi = finite.max() {
                line += ", y from \(NumberText.significant(lo)) to \(NumberText.significant(hi))"
                if let last = finite.last { line += ", last \(NumberText.significant(last))" }
            }
            if s.hasBand { line += ", with band" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The chart's data in long form, one row per point: series, x, y (and lower, upper if any band).
    public func table() -> Table {
        let bands = series.contains(where: \.hasBand)
        var name: [Cell] = [], xs: [Cell] = [], ys: [Cell] = [], lo: [Cell] = [], hi: [Cell] = []
        for s in series {
            for i in 0..<s.count {
                name.append(.text(s.name))
                xs.append(.number(s.x[i]))
                ys.append(.number(s.y[i]))
                if bands {
                    lo.append(s.lower.map { .number($0[i]) } ?? .empty)
                    hi.append(s.upper.map { .number($0[i]) } ?? .empty)
                }
            }
        }
        var columns = [Column("series", name), Column(xLabel, xs), Column(yLabel, ys)]
        if bands { columns += [Column("lower", lo), Column("upper", hi)] }
        return Table(unchecked: columns, title: title.isEmpty ? nil : title)  // one cell per point in every column
    }
}
