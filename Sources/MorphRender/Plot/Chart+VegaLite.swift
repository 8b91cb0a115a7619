import MorphJSON

extension Chart {
    /// The Vega-Lite v5 schema URL every spec names.
    public static let vegaLiteSchema = "https://vega.github.io/schema/vega-lite/v5.json"

    /// The same chart as a Vega-Lite v5 spec: data inline (one row per point: series, x, y, and
    /// lower/upper for bands), a layer per mark kind (area bands, lines, points), the same colours,
    /// axis titles, log scale and zoom/pan by scale binding.
    public func vegaLite() -> JSON {
        let layout = _ChartLayout(self)
        let colors = seriesColors
        var rows: [JSON] = []
        for s in series {
            for i in 0..<s.count {
                guard s.x[i].isFinite else { continue }
                if logY && !(s.y[i] > 0) && !s.hasBand { continue }
                var row: [String: JSON] = ["series": .string(s.name), "x": JSON(s.x[i]), "y": drawable(y: s.y[i]) ? JSON(s.y[i]) : .null]
                if let lower = s.lower, let upper = s.upper {
                    row["lower"] = drawable(y: lower[i]) ? JSON(lower[i]) : .null
                    row["upper"] = drawable(y: upper[i]) ? JSON(upper[i]) : .null
                }
                rows.append(.object(row))
            }
        }

        let scatter = !series.isEmpty && series.allSatisfy { $0.mark == .points }
        let x: JSON = ["field": "x", "type": "quantitative", "title": .string(xLabel), "scale": ["zero": false]]
        let yScale: JSON = logY ? ["type": "log"] : ["zero": false]
        func y(_ field: String) -> JSON { ["field": .string(field), "type": "quantitative", "title": .string(yLabel), "scale": yScale] }
        var color: JSON = [
            "field": "series", "type": "nominal", "title": nil,
            "scale": ["domain": .array(series.map { .string($0.name) }), "range": .array(colors.map { .string($0) })],
        ]
        if !layout.showsLegend { color["legend"] = .null }
        let tooltip: JSON = [
            ["field": "series", "type": "nominal"],
            ["field": "x", "type": "quantitative", "title": .string(xLabel)],
            ["field": "y", "type": "quantitative", "title": .string(yLabel)],
        ]
        func only(_ names: [String]) -> JSON {
            [["filter": ["field": "series", "oneOf": .array(names.map { .string($0) })]]]
        }

        var layers: [JSON] = []
        let bandNames = series.filter(\.hasBand).map(\.name)
        if !bandNames.isEmpty {
            // The merged legend takes its symbols from this first layer: draw them as solid strokes.
            var bandColor = color
            if layout.showsLegend { bandColor["legend"] = ["symbolOpacity": 1, "symbolType": "stroke", "symbolStrokeWidth": 2.5] }
            layers.append([
                "transform": only(bandNames),
                "mark": ["type": "area", "opacity": 0.2],
                "encoding": ["x": x, "y": y("lower"), "y2": ["field": "upper"], "color": bandColor],
            ])
        }
        for mark in [SeriesMark.line, .lineAndPoints, .points] {
            let names = series.filter { $0.mark == mark }.map(\.name)
            guard !names.isEmpty else { continue }
            let markSpec: JSON
            switch mark {
            case .line: markSpec = ["type": "line", "strokeWidth": 2]
            case .lineAndPoints: markSpec = ["type": "line", "strokeWidth": 2, "point": ["filled": true, "size": 30]]
            case .points: markSpec = ["type": "point", "filled": true, "size": scatter ? 24 : 30, "opacity": 0.8]
            }
            var encoding: JSON = ["x": x, "y": y("y"), "color": color, "tooltip": tooltip]
            let dashes = seriesDashes
            if mark != .points, dashes.contains(where: { $0 != nil }) {
                // The same dashes as the SVG: a group's second series and those past ten colours.
                let ranges: [JSON] = dashes.map { dash in
                    .array((dash ?? "1 0").split(separator: " ").compactMap { Double($0) }.map { .number($0) })
                }
                encoding["strokeDash"] = ["field": "series", "type": "nominal", "legend": nil,
                                          "scale": ["domain": .array(series.map { .string($0.name) }), "range": .array(ranges)]]
            }
            layers.append([
                "transform": only(names),
                "mark": markSpec,
                "encoding": encoding,
            ])
        }
        if layers.isEmpty {
            layers.append(["mark": "line", "encoding": ["x": x, "y": y("y")]])
        }
        // Zoom and pan on the first data layer that is not a band.
        let zoomLayer = bandNames.isEmpty || layers.count == 1 ? 0 : 1
        layers[zoomLayer]["params"] = [["name": "zoom", "select": "interval", "bind": "scales"]]

        var spec: [String: JSON] = [
            "$schema": .string(Chart.vegaLiteSchema),
            "width": JSON(Int(layout.plot.width)),
            "height": JSON(Int(layout.plot.height)),
            "data": ["values": .array(rows)],
        ]
        if !title.isEmpty { spec["title"] = .string(title) }
        if layers.count == 1, let single = layers[0].objectValue {
            for (key, value) in single where key != "transform" { spec[key] = value }  // one layer holds every series
        } else {
            spec["layer"] = .array(layers)
        }
        return .object(spec)
    }
}
