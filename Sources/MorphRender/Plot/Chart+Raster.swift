extension Chart {
    /// The chart drawn into an RGB image (`scale` pixels per SVG pixel), with the same layout as
    /// the SVG, antialiased by supersampling; text uses Morph's bitmap font. For PNG export where
    /// vector output cannot be used; the SVG is the better figure.
    public func raster(scale: Int = 2) -> RasterImage {
        let z = Double(min(max(scale, 1), 4))
        let layout = _ChartLayout(self)
        let W = max(width, 160), H = layout.height
        let samples = 3
        var p = _Painter(width: Int(Double(W) * z), height: Int(Double(H) * z), samples: samples)
        func font(_ size: Double) -> Int { max(1, Int((size / 9.6 * Double(samples) * z).rounded())) }
        let plot = layout.plot
        let clip = _ChartLayout.Rect(x: (plot.x - 5) * z, y: (plot.y - 5) * z, width: (plot.width + 10) * z, height: (plot.height + 10) * z)
        let full = _ChartLayout.Rect(x: 0, y: 0, width: Double(W) * z, height: Double(H) * z)
        let colors = seriesColors
        let bottom = plot.y + plot.height

        // Grid lines.
        for t in layout.yAxis.ticks {
            p.fillRect(x: plot.x * z, y: layout.py(t) * z - 0.5 * z, width: plot.width * z, height: z, color: "#e8e8e8")
        }
        for t in layout.xAxis.ticks {
            p.fillRect(x: layout.px(t) * z - 0.5 * z, y: plot.y * z, width: z, height: plot.height * z, color: "#e8e8e8")
        }
        // Bands, lines, dots.
        for (i, s) in series.enumerated() where s.hasBand {
            for run in layout.bandRuns(s) {
                p.fillPolygon(run.map { ($0.0 * z, $0.1 * z) }, color: colors[i], alpha: 0.2, clip: clip)
            }
        }
        for (i, s) in series.enumerated() where s.mark != .points {
            for run in layout.lineRuns(s) {
                p.strokePolyline(run.map { ($0.0 * z, $0.1 * z) }, lineWidth: 2 * z, color: colors[i], clip: clip)
            }
        }
        let scatter = series.allSatisfy { $0.mark == .points }
        for (i, s) in series.enumerated() where s.mark != .line {
            for i2 in 0..<s.count where layout.drawable(s, i2, s.y[i2]) {
                p.fillDisc(x: layout.px(s.x[i2]) * z, y: layout.py(s.y[i2]) * z, radius: (scatter ? 2.5 : 3) * z,
                           color: colors[i], alpha: scatter ? 0.75 : 1)
            }
        }
        // Axes and ticks.
        p.fillRect(x: plot.x * z - 0.5 * z, y: plot.y * z, width: z, height: plot.height * z, color: "#333333")
        p.fillRect(x: plot.x * z - 0.5 * z, y: bottom * z - 0.5 * z, width: plot.width * z + z, height: z, color: "#333333")
        let tick = font(12)
        for (t, label) in zip(layout.xAxis.ticks, layout.xAxis.labels) {
            p.fillRect(x: layout.px(t) * z - 0.5 * z, y: bottom * z, width: z, height: 5 * z, color: "#333333")
            p.text(label, x: layout.px(t) * z, y: (bottom + 15) * z, pixel: tick, color: "#333333", anchor: 0.5)
        }
        for (t, label) in zip(layout.yAxis.ticks, layout.yAxis.labels) {
            p.fillRect(x: (plot.x - 5) * z, y: layout.py(t) * z - 0.5 * z, width: 5 * z, height: z, color: "#333333")
            p.text(label, x: (plot.x - 8) * z, y: layout.py(t) * z, pixel: tick, color: "#333333", anchor: 1)
        }
        // Titles.
        if !xLabel.isEmpty {
            p.text(xLabel, x: (plot.x + plot.width / 2) * z, y: (layout.xLabelBaseline - 4) * z, pixel: font(13), color: "#222222", anchor: 0.5)
        }
        if !yLabel.isEmpty {
            p.text(yLabel, x: 14 * z, y: (plot.y + plot.height / 2) * z, pixel: font(13), color: "#222222", anchor: 0.5, rotated: true)
        }
        if !title.isEmpty {
            let size = font(layout.titleSize)
            let fits = Int(Double(W - 16) * z / (Double(BitmapFont.advance * size) / Double(samples)))
            let text = _ChartLayout.truncated(layout.titleText, to: max(fits, 4))
            p.text(text, x: Double(W) / 2 * z, y: 20 * z, pixel: size, color: "#111111", anchor: 0.5)
            p.text(text, x: Double(W) / 2 * z + 0.35 * z, y: 20 * z, pixel: size, color: "#111111", anchor: 0.5)  // bold
        }
        // Legend.
        for (i, x, y) in layout.legendItems {
            let s = series[i]
            if s.hasBand { p.fillRect(x: x * z, y: (y - 6) * z, width: 20 * z, height: 12 * z, color: colors[i], alpha: 0.2) }
            if s.mark == .points {
                p.fillDisc(x: (x + 10) * z, y: y * z, radius: 4 * z, color: colors[i], alpha: 1)
            } else {
                p.strokePolyline([(x * z, y * z), ((x + 20) * z, y * z)], lineWidth: 2.5 * z, color: colors[i], clip: full)
                if s.mark == .lineAndPoints { p.fillDisc(x: (x + 10) * z, y: y * z, radius: 3 * z, color: colors[i], alpha: 1) }
            }
            // The bitmap font is wider than the SVG's: shorten names to the room left.
            let room = Double(W) - (x + 26) - 4
            let fits = Int(room * z / (Double(BitmapFont.advance * tick) / Double(samples)))
            p.text(_ChartLayout.truncated(layout.legendNames[i], to: max(fits, 2)), x: (x + 26) * z, y: y * z,
                   pixel: tick, color: "#222222")
        }
        if layout.bounds == nil {
            p.text("no data to plot", x: (plot.x + plot.width / 2) * z, y: (plot.y + plot.height / 2) * z, pixel: tick,
                   color: "#777777", anchor: 0.5)
        }
        return p.image()
    }
}
