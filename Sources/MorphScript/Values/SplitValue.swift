import MorphEngine
import MorphRender

/// A split of a dataset (`data.test`) or a range of it (`data.test[0..<8]`): images with labels.
public final class SplitValue: HostValue {
    /// The images and labels.
    public let split: DatasetSplit
    /// "test", "train", or "test[0..<8]".
    public let part: String
    /// The dataset it belongs to (name, class names, pixel permutation).
    public let dataset: Dataset
    /// The index in the whole split of this value's first image.
    public let offset: Int

    /// A value for `split`, part `part` of `dataset`, starting at `offset` in the whole split.
    public init(split: DatasetSplit, part: String, dataset: Dataset, offset: Int = 0) {
        self.split = split
        self.part = part
        self.dataset = dataset
        self.offset = offset
    }

    public var typeName: String { "Split" }
    public var conformances: [String] { ["Images"] }

    /// Number of images.
    public var count: Int { split.count }
    /// Image height and width.
    public var height: Int { split.imageShape.count >= 2 ? split.imageShape[split.imageShape.count - 2] : 1 }
    public var width: Int { split.imageShape.last ?? split.pixelsPerImage }

    public var summary: String {
        "Split \(dataset.name) \(part): \(count) images of \(width)×\(height)"
    }

    /// "fashion-mnist test, classes 0, 1" (for provenance).
    public var dataDescription: String {
        let classes = dataset.classes.map(String.init).joined(separator: ", ")
        let shuffled = dataset.permutationSeed.map { ", pixels shuffled (seed \($0))" } ?? ""
        return "\(dataset.name) \(part), classes \(classes)\(shuffled)"
    }

    /// The stored pixels of image `i` of this value.
    public func pixels(at i: Int) -> [Float] {
        let size = split.pixelsPerImage
        return Array(split.images.scalars[(i * size)..<((i + 1) * size)])
    }

    /// Image `i` as a value.
    public func image(at i: Int) -> ImageValue {
        let label = split.labels[i]
        let whole = part.split(separator: "[").first.map(String.init) ?? part
        return ImageValue(
            pixels: pixels(at: i), width: width, height: height, label: label, className: dataset.className(of: label),
            name: "\(dataset.name) \(whole)[\(offset + i)]", pixelPermutation: dataset.pixelPermutation)
    }

    /// Every image in original pixel order.
    public var originalImages: [[Float]] {
        (0..<count).map { ImageValue.unshuffle(pixels(at: $0), by: dataset.pixelPermutation) }
    }

    public func element(at index: Value) throws(ScriptError) -> Value {
        switch index {
        case .int(let i):
            let k = i < 0 ? count + i : i
            guard (0..<count).contains(k) else {
                throw ScriptError(kind: "IndexError", message: "index \(i) is out of range: \(part) has \(count) images (0..<\(count))")
            }
            return .host(image(at: k))
        case .range(let range):
            guard let bounds = range.bounds(count: count), bounds.lowerBound >= 0, bounds.upperBound <= count else {
                throw ScriptError(kind: "IndexError", message: "range is out of bounds: \(part) has \(count) images (0..<\(count))")
            }
            do {
                let slice = try split.slice(bounds)
                let whole = part.split(separator: "[").first.map(String.init) ?? part
                let name = "\(whole)[\(offset + bounds.lowerBound)..<\(offset + bounds.upperBound)]"
                return .host(SplitValue(split: slice, part: name, dataset: dataset, offset: offset + bounds.lowerBound))
            } catch {
                throw ScriptError(kind: "IndexError", message: String(describing: error))
            }
        default:
            throw ScriptError(kind: "TypeError", message: "a Split is indexed by an Int or a range (data.test[3], data.test[0..<8]), not \(index.typeName)")
        }
    }

    public func elements() -> [Value]? { (0..<count).map { .host(image(at: $0)) } }

    /// Up to `limit` images in a grid, labelled by class name.
    public func grid(limit: Int = 32, columns: Int = 8) throws(RenderError) -> RasterImage {
        let n = min(limit, count)
        guard n > 0 else { throw RenderError("the split is empty") }
        return try ImageGrid.gray((0..<n).map { pixels(at: $0) }, width: width, height: height,
                                  columns: min(columns, n), scale: 2)
    }

    public func displayBundle() -> MimeBundle {
        let text = summary + (count > 32 ? " (first 32 shown)" : "")
        guard let grid = try? grid() else { return MimeBundle(plainText: text) }
        var bundle = MimeBundle(png: grid, description: text)
        bundle.data["text/plain"] = .string(text)
        return bundle
    }

    public func fileContents(forExtension fileExtension: String) throws(ScriptError) -> [UInt8]? {
        return try asValueError { try grid(limit: count, columns: 16).fileContents(forExtension: fileExtension) }
    }
}
