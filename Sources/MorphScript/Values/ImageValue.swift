import MorphEngine
import MorphRender

/// One image of a dataset (`data.test[3]`), pixels in [0, 1] in the dataset's stored order.
public final class ImageValue: HostValue {
    /// The pixels as stored (shuffled when the dataset is).
    public let pixels: [Float]
    /// Width and height in pixels.
    public let width: Int, height: Int
    /// Its class label, if known.
    public let label: Int?
    /// Its class name, if known.
    public let className: String?
    /// Where it came from, e.g. "fashion-mnist test[3]".
    public let name: String
    /// The dataset's pixel permutation: stored pixel i is original pixel `pixelPermutation[i]`.
    public let pixelPermutation: [Int]?

    /// An image from its parts.
    public init(pixels: [Float], width: Int, height: Int, label: Int? = nil, className: String? = nil,
                name: String, pixelPermutation: [Int]? = nil) {
        self.pixels = pixels
        self.width = width
        self.height = height
        self.label = label
        self.className = className
        self.name = name
        self.pixelPermutation = pixelPermutation
    }

    public var typeName: String { "Image" }
    public var conformances: [String] { ["Images"] }

    public var summary: String {
        var text = "Image \(name) (\(width)×\(height)"
        if let label { text += ", class \(label)" + (className.map { " \($0)" } ?? "") }
        if pixelPermutation != nil { text += ", pixels shuffled" }
        return text + ")"
    }

    /// The pixels in their original places (undoing the dataset's shuffle).
    public var originalPixels: [Float] { Self.unshuffle(pixels, by: pixelPermutation) }

    /// Stored values → original order, for a permutation with stored i = original p[i].
    static func unshuffle(_ values: [Float], by permutation: [Int]?) -> [Float] {
        guard let p = permutation, p.count == values.count else { return values }
        var restored = values
        for (i, source) in p.enumerated() { restored[source] = values[i] }
        return restored
    }

    /// The image drawn 4× enlarged.
    public func raster(scale: Int = 4) throws(RenderError) -> RasterImage {
        try RasterImage(gray: pixels, width: width, height: height).scaled(by: scale)
    }

    public func displayBundle() -> MimeBundle {
        guard let image = try? raster() else { return MimeBundle(plainText: summary) }
        var bundle = MimeBundle(png: image, description: summary)
        bundle.data["text/plain"] = .string(summary)
        return bundle
    }

    public func fileContents(forExtension fileExtension: String) throws(ScriptError) -> [UInt8]? {
        return try asValueError { try raster(scale: 1).fileContents(forExtension: fileExtension) }
    }
}
