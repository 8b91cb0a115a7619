import MorphEngine
import MorphJSON
import MorphRender

/// The live widget of `explore(model, from: a, to: b)`: a slider over t ∈ [0, 1] on the latent
/// path z(t) = (1 − t) e(a) + t e(b), the decoded image r(z(t)) enlarged, ‖J‖_F and σ₁ of the
/// decoder Jacobian at z(t), and the two originals. Each move of the slider costs one decode and
/// one Jacobian.
final class PathExplorer {
    /// How much the decoded image is enlarged.
    static let decodedScale = 8
    /// How much the originals are enlarged.
    static let originalScale = 4

    let model: ModelValue
    let path: LatentPath
    let width: Int, height: Int
    private weak var image: Widget?
    private weak var readout: Widget?

    private init(model: ModelValue, path: LatentPath, width: Int, height: Int) {
        self.model = model
        self.path = path
        self.width = width
        self.height = height
    }

    /// Builds the widget in `hub`, showing t = `start`; returns it for a cell.
    static func make(model: ModelValue, from a: ImageValue, to b: ImageValue, start: Double, in hub: CommHub) throws -> WidgetValue {
        guard a.width == b.width, a.height == b.height else {
            throw ScriptError(kind: "ValueError", message: "explore needs two images of one size, got \(a.width)×\(a.height) and \(b.width)×\(b.height)")
        }
        let codes = try Experiments.codes(model.model, of: [a.originalPixels, b.originalPixels])
        let explorer = PathExplorer(model: model, path: try LatentPath(from: codes[0], to: codes[1], count: 2),
                                    width: a.width, height: a.height)
        let point = try explorer.compute(at: start)
        let image = Controls.image(try explorer.png(point.image, scale: decodedScale), in: hub)
        let readout = Controls.label(explorer.readoutText(t: start, point), in: hub)
        let slider = Controls.floatSlider(value: start, min: 0, max: 1, step: 0.01, description: "t", in: hub)
        explorer.image = image
        explorer.readout = readout
        slider.onChange = { widget, keys in
            guard keys.contains("value") else { return }
            try explorer.show(at: try PathExplorer.position(widget["value"]))
        }
        let originals = try [a, b].map { try Controls.image(explorer.png($0.originalPixels, scale: originalScale), in: hub) }
        let captions = Controls.label("\(a.name) → \(b.name) on \(ExperimentsSupport.label(of: model))", in: hub)
        let pictures = Controls.box([originals[0], image, originals[1]], vertical: false, in: hub)
        let root = Controls.box([captions, pictures, slider, readout], vertical: true, in: hub)
        return WidgetValue(root: root, control: slider)
    }

    /// Shows r(z(t)) and the Jacobian's norms at `t`.
    func show(at t: Double) throws {
        let point = try compute(at: t)
        image?.update([:], binary: ["value": try png(point.image, scale: PathExplorer.decodedScale)])
        readout?.update(["value": .string(readoutText(t: t, point))])
    }

    /// One decode and one Jacobian at z(t).
    func compute(at t: Double) throws -> DecodedPoint {
        return try Experiments.decodedPoint(model.model, at: path.point(at: t))
    }

    /// "t = 0.50 · ‖J‖_F = 3.21 · σ₁ = 1.87".
    func readoutText(t: Double, _ point: DecodedPoint) -> String {
        "t = \(NumberText.fixed(t, decimals: 2)) · ‖J‖_F = \(NumberText.significant(point.frobeniusNorm)) · σ₁ = \(NumberText.significant(point.largestSingularValue))"
    }

    /// An image of this explorer's size as PNG bytes, enlarged `scale` times.
    func png(_ pixels: [Float], scale: Int) throws -> [UInt8] {
        try asValueError { PNG.encode(try RasterImage(gray: pixels, width: width, height: height).scaled(by: scale)) }
    }

    /// A slider value as t, which must be a number in [0, 1].
    static func position(_ value: JSON?) throws(ScriptError) -> Double {
        guard let t = value?.doubleValue, t.isFinite, (0...1).contains(t) else {
            throw ScriptError(kind: "ValueError", message: "explore's t must be a number from 0 to 1, got \(value?.serialized() ?? "nothing")")
        }
        return t
    }
}
