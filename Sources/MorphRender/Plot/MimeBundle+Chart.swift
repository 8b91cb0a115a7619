import MorphJSON

extension MimeBundle {
    /// The MIME type of Vega-Lite v5 specs.
    public static let vegaLiteType = "application/vnd.vegalite.v5+json"
    /// The MIME type of SVG images.
    public static let svgType = "image/svg+xml"

    /// A bundle showing `chart` as SVG, as the same chart in Vega-Lite (JupyterLab draws it
    /// interactively) and as a text summary.
    public init(chart: Chart, interactive: Bool = true) {
        var data: [String: JSON] = [
            MimeBundle.svgType: .string(chart.svg()),
            "text/plain": .string(chart.summary()),
        ]
        var metadata: [String: JSON] = [:]
        if interactive {
            data[MimeBundle.vegaLiteType] = chart.vegaLite()
            metadata[MimeBundle.vegaLiteType] = ["embed_options": ["renderer": "svg", "actions": false]]
        }
        self.init(data: data, metadata: metadata)
    }
}
