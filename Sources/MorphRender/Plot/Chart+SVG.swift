extension Chart {
    /// Fonts for every text element: common sans-serif faces, then the generic family.
    static let fontFamily = "Helvetica, Arial, 'DejaVu Sans', sans-serif"

    /// A tick label with a true minus sign (U+2212) in place of the hyphen.
    static func typographic(_ label: String) -> String {
        label.hasPrefix("-") ? "\u{2212}" + label.dropFirst() : label
    }

    /// The chart as a standalone SVG document: axes with nice ticks and labels, light grid lines,
    /// series clipped to the plot area, a legend on the right when there are named series, a title.
    public func svg() -> String {
        let layout = _ChartLayout(self)
        var w = _SVGWriter()
        let W = max(width, 160), H = layout.height
        w.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": "\(W)", "height": "\(H)",
                       "viewBox": "0 0 \(W) \(H)", "font-family": Chart.fontFamily, "font-size": "12"])
        if !title.isEmpty { w.element("title", text: title) }
        w.empty("rect", ["width": "100%", "height": "100%", "fill": "#ffffff"])
        let plot = layout.plot
        let clipID = "morph-clip-\(layout.identity)"
        w.open("defs")
        w.open("clipPath", ["id": clipID])
        w.empty("rect", ["x": _SVGWriter.n(plot.x - 5), "y": _SVGWriter.n(plot.y - 5),
                         "width": _SVGWriter.n(plot.width + 10), "height": _SVGWriter.n(plot.height + 10)])
        w.close("clipPath")
        w.close("defs")

        // Grid lines at the ticks.
        var grid = ""
        for t in layout.yAxis.ticks { grid += "M\(_SVGWriter.n(plot.x)) \(_SVGWriter.n(layout.py(t)))h\(_SVGWriter.n(plot.width))" }
        for t in layout.xAxis.ticks { grid += "M\(_SVGWriter.n(layout.px(t))) \(_SVGWriter.n(plot.y))v\(_SVGWriter.n(plot.height))" }
        if !grid.isEmpty { w.empty("path", ["d": grid, "stroke": "#e8e8e8", "stroke-width": "1", "fill": "none"]) }

        // Data.
        let colors = seriesColors
        let dashes = seriesDashes
        w.open("g", ["clip-path": "url(#\(clipID))"])
        for (i, s) in series.enumerated() where s.hasBand {
            let d = layout.bandPath(s)
            if !d.isEmpty { w.empty("path", ["d": d, "fill": colors[i], "fill-opacity": "0.2", "stroke": "none"]) }
        }
        for (i, s) in series.enumerated() where s.mark != .points {
            let d = layout.linePath(s)
            if !d.isEmpty {
                var attributes = ["d": d, "fill": "none", "stroke": colors[i], "stroke-width": "2",
                                  "stroke-linejoin": "round", "stroke-linecap": "round"]
                if let dash = dashes[i] { attributes["stroke-dasharray"] = dash; attributes["stroke-linecap"] = "butt" }
                w.empty("path", attributes)
            }
        }
        let scatter = series.allSatisfy { $0.mark == .points }
        for (i, s) in series.enumerated() where s.mark != .line {
            let d = layout.dotPath(s)
            if !d.isEmpty {
                var attributes = ["d": d, "fill": "none", "stroke": colors[i], "stroke-width": scatter ? "5" : "6",
                                  "stroke-linecap": "round"]
                if scatter { attributes["stroke-opacity"] = "0.75" }
                w.empty("path", attributes)
            }
        }
        w.close("g")

        // Axes and ticks.
        let bottom = plot.y + plot.height
        var axes = "M\(_SVGWriter.n(plot.x)) \(_SVGWriter.n(plot.y))V\(_SVGWriter.n(bottom))H\(_SVGWriter.n(plot.x + plot.width))"
        for t in layout.xAxis.ticks { axes += "M\(_SVGWriter.n(layout.px(t))) \(_SVGWriter.n(bottom))v5" }
        for t in layout.yAxis.ticks { axes += "M\(_SVGWriter.n(plot.x)) \(_SVGWriter.n(layout.py(t)))h-5" }
        w.empty("path", ["d": axes, "stroke": "#333333", "stroke-width": "1", "fill": "none"])

        w.open("g", ["fill": "#333333", "text-anchor": "middle"])
        for (t, label) in zip(layout.xAxis.ticks, layout.xAxis.labels) {
            w.element("text", ["x": _SVGWriter.n(layout.px(t)), "y": _SVGWriter.n(bottom + 19)], text: Chart.typographic(label))
        }
        w.close("g")
        w.open("g", ["fill": "#333333", "text-anchor": "end"])
        for (t, label) in zip(layout.yAxis.ticks, layout.yAxis.labels) {
            w.element("text", ["x": _SVGWriter.n(plot.x - 8), "y": _SVGWriter.n(layout.py(t)), "dy": "0.32em"], text: Chart.typographic(label))
        }
        w.close("g")

        // Axis titles and the chart title.
        if !xLabel.isEmpty {
            w.element("text", ["x": _SVGWriter.n(plot.x + plot.width / 2), "y": _SVGWriter.n(layout.xLabelBaseline),
                               "text-anchor": "middle", "font-size": "13", "fill": "#222222"], rich: xLabel)
        }
        if !yLabel.isEmpty {
            let cx = 18.0, cy = plot.y + plot.height / 2
            w.element("text", ["x": _SVGWriter.n(cx), "y": _SVGWriter.n(cy), "text-anchor": "middle", "font-size": "13",
                               "fill": "#222222", "transform": "rotate(-90 \(_SVGWriter.n(cx)) \(_SVGWriter.n(cy)))"], rich: yLabel)
        }
        if !title.isEmpty {
            w.element("text", ["x": _SVGWriter.n(Double(W) / 2), "y": "24", "text-anchor": "middle",
                               "font-size": _SVGWriter.n(layout.titleSize), "font-weight": "600", "fill": "#111111"],
                      rich: layout.titleText)
        }

        // Legend.
        if !layout.legendItems.isEmpty {
            w.open("g", ["font-size": "12", "fill": "#222222"])
            for (i, x, y) in layout.legendItems {
                let s = series[i]
                if s.hasBand {
                    w.empty("rect", ["x": _SVGWriter.n(x), "y": _SVGWriter.n(y - 6), "width": "20", "height": "12",
                                     "fill": colors[i], "fill-opacity": "0.2"])
                }
                if s.mark == .points {
                    w.empty("circle", ["cx": _SVGWriter.n(x + 10), "cy": _SVGWriter.n(y), "r": "4", "fill": colors[i]])
                } else {
                var swatch = ["d": "M\(_SVGWriter.n(x)) \(_SVGWriter.n(y))h20", "stroke": colors[i], "stroke-width": "2.5"]
                    if let dash = dashes[i] { swatch["stroke-dasharray"] = dash }
                    w.empty("path", swatch)
                    if s.mark == .lineAndPoints {
                        w.empty("circle", ["cx": _SVGWriter.n(x + 10), "cy": _SVGWriter.n(y), "r": "3", "fill": colors[i]])
                    }
                }
                w.element("text", ["x": _SVGWriter.n(x + 26), "y": _SVGWriter.n(y), "dy": "0.32em"],
                          rich: layout.legendNames[i])
            }
            w.close("g")
        }
        if layout.bounds == nil {
            w.element("text", ["x": _SVGWriter.n(plot.x + plot.width / 2), "y": _SVGWriter.n(plot.y + plot.height / 2),
                               "text-anchor": "middle", "fill": "#777777"], text: "no data to plot")
        }
        w.close("svg")
        return w.text
    }
}
