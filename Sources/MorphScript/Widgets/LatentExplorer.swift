import MorphEngine
import MorphJSON
import MorphRender

/// The live widget of `explore(model, at: image, on: data)`: one slider per latent dimension (or,
/// past `LatentExplorer.maximumSliders` dimensions, per principal direction of the codes of the
/// data), each over the codes' mean ± 3 standard deviations; the decoded image; ‖J‖_F and σ₁ there;
/// and a reset button that puts the sliders back at the image's own code.
final class LatentExplorer {
    /// The most sliders shown; a larger latent gets this many principal directions.
    static let maximumSliders = 8
    /// How many standard deviations each slider reaches on either side of the mean.
    static let reach = 3.0

    let model: ModelValue
    let directions: LatentDirections
    /// The image's own code e(x).
    let home: [Float]
    let width: Int, height: Int
    private var sliders: [Widget] = []
    private weak var image: Widget?
    private weak var readout: Widget?

    private init(model: ModelValue, directions: LatentDirections, home: [Float], width: Int, height: Int) {
        self.model = model
        self.directions = directions
        self.home = home
        self.width = width
        self.height = height
    }

    /// Builds the widget in `hub` for `image`, with directions and ranges from the codes of `data`
    /// (their encoding stops at an interrupt).
    static func make(
        model: ModelValue, at image: ImageValue, on data: ImageBatch, in hub: CommHub, cancellation: CancellationToken
    ) throws -> WidgetValue {
        guard data.width == image.width, data.height == image.height else {
            throw ScriptError(kind: "ValueError", message: "explore needs data of the image's size (\(image.width)×\(image.height)), got \(data.width)×\(data.height)")
        }
        let codes = try Experiments.codes(model.model, of: [image.originalPixels] + data.images, cancellation: cancellation)
        let directions = try LatentDirections(codes: Array(codes.dropFirst()), limit: maximumSliders)
        let explorer = LatentExplorer(model: model, directions: directions, home: codes[0], width: image.width, height: image.height)
        let start = directions.coordinates(of: codes[0])
        let point = try Experiments.decodedPoint(model.model, at: codes[0])
        let decoded = Controls.image(try explorer.png(point.image, scale: PathExplorer.decodedScale), in: hub)
        let readout = Controls.label(explorer.readoutText(point), in: hub)
        let original = Controls.image(try explorer.png(image.originalPixels, scale: PathExplorer.originalScale), in: hub)
        explorer.image = decoded
        explorer.readout = readout
        for k in 0..<directions.count {
            let range = slidingRange(centre: directions.centres[k], deviation: directions.deviations[k], including: start[k])
            let name = directions.arePrincipal ? "PC\(k + 1)" : "z\(k + 1)"
            let slider = Controls.floatSlider(value: start[k], min: range.lowerBound, max: range.upperBound,
                                              step: (range.upperBound - range.lowerBound) / 200, description: name, in: hub)
            slider.onChange = { _, keys in
                guard keys.contains("value") else { return }
                try explorer.showSliders()
            }
            explorer.sliders.append(slider)
        }
        let reset = Controls.button("reset to \(image.name)", in: hub)
        reset.onCustom = { _, content in
            guard content["event"]?.stringValue == "click" else { return }
            try explorer.reset()
        }
        let what = directions.arePrincipal
            ? "the top \(directions.count) principal directions of the codes of \(data.description) (latent size \(codes[0].count))"
            : "the \(directions.count) latent dimensions"
        let caption = Controls.label("\(ExperimentsSupport.label(of: model)) at \(image.name): sliders move along \(what), mean ± 3 sd", in: hub)
        let pictures = Controls.box([original, decoded], vertical: false, in: hub)
        let controls = Controls.box(explorer.sliders, vertical: true, in: hub)
        let footer = Controls.box([reset, readout], vertical: false, in: hub)
        let root = Controls.box([caption, pictures, controls, footer], vertical: true, in: hub)
        return WidgetValue(root: root, control: explorer.sliders[0])
    }

    /// The mean ± 3 sd along one direction, widened to include the image's own coordinate
    /// (and ± 1 around the centre when the codes do not spread along it).
    static func slidingRange(centre: Double, deviation: Double, including value: Double) -> ClosedRange<Double> {
        let half = deviation > 1e-6 ? reach * deviation : 1
        return min(centre - half, value)...max(centre + half, value)
    }

    /// Decodes the code the sliders point at and shows it.
    func showSliders() throws {
        var coordinates: [Double] = []
        for (k, slider) in sliders.enumerated() {
            guard let value = slider["value"]?.doubleValue, value.isFinite else {
                throw ScriptError(kind: "ValueError", message: "slider \(k + 1) of explore must hold a number, got \(slider["value"]?.serialized() ?? "nothing")")
            }
            coordinates.append(value)
        }
        try show(try directions.moving(home, to: coordinates))
    }

    /// Puts the sliders back at the image's own code and shows it.
    func reset() throws {
        for (slider, value) in zip(sliders, directions.coordinates(of: home)) { slider.update(["value": JSON(value)]) }
        try show(home)
    }

    private func show(_ code: [Float]) throws {
        let point = try Experiments.decodedPoint(model.model, at: code)
        image?.update([:], binary: ["value": try png(point.image, scale: PathExplorer.decodedScale)])
        readout?.update(["value": .string(readoutText(point))])
    }

    /// "‖J‖_F = 3.21 · σ₁ = 1.87".
    func readoutText(_ point: DecodedPoint) -> String {
        "‖J‖_F = \(NumberText.significant(point.frobeniusNorm)) · σ₁ = \(NumberText.significant(point.largestSingularValue))"
    }

    /// An image of this explorer's size as PNG bytes, enlarged `scale` times.
    func png(_ pixels: [Float], scale: Int) throws -> [UInt8] {
        try asValueError { PNG.encode(try RasterImage(gray: pixels, width: width, height: height).scaled(by: scale)) }
    }
}
