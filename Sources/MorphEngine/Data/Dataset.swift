/// A dataset could not be built: says what was asked, what is wrong and what to do.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The full message.
    public var message: String

    /// An error with `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// One split of a dataset: images `[N, 1, H, W]` scaled to [0, 1] and one label per image.
public struct DatasetSplit: Sendable, Equatable {
    /// The images, `[N, 1, H, W]`, row-major, values in [0, 1].
    public var images: NumericArray
    /// The class label of each image (indices into the dataset's `classNames`).
    public var labels: [Int]

    /// A split from images `[N, 1, H, W]` and N labels.
    public init(images: NumericArray, labels: [Int]) {
        self.images = images
        self.labels = labels
    }

    /// The number of images.
    public var count: Int { labels.count }

    /// The shape of one image, e.g. `[1, 28, 28]`.
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }

    /// The number of scalars in one image.
    public var pixelsPerImage: Int { imageShape.reduce(1, *) }

    /// The image at `index`, shaped `[1, H, W]`.
    public func image(at index: Int) throws(DatasetError) -> NumericArray {
        guard (0..<count).contains(index) else {
            throw DatasetError("image index \(index) is out of range: the split has \(count) images (0..<\(count))")
        }
        let size = pixelsPerImage
        return NumericArray(shape: imageShape, scalars: Array(images.scalars[(index * size)..<((index + 1) * size)]))
    }

    /// The images and labels at `range`, as a split of their own.
    public func slice(_ range: Range<Int>) throws(DatasetError) -> DatasetSplit {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw DatasetError("range \(range.lowerBound)..<\(range.upperBound) is out of range: the split has \(count) images")
        }
        return selecting(Array(range))
    }

    /// The images and labels at `indices`, in that order (indices must be valid).
    func selecting(_ indices: [Int]) -> DatasetSplit {
        let size = pixelsPerImage
        var scalars: [Float] = []
        scalars.reserveCapacity(indices.count * size)
        for index in indices { scalars.append(contentsOf: images.scalars[(index * size)..<((index + 1) * size)]) }
        return DatasetSplit(images: NumericArray(shape: [indices.count] + imageShape, scalars: scalars),
                            labels: indices.map { labels[$0] })
    }
}

/// A labelled image dataset with train and test splits (MNIST, Fashion-MNIST or generated shapes).
public struct Dataset: Sendable, Equatable {
    /// The source, e.g. `fashion-mnist`.
    public var name: String
    /// The training split.
    public var train: DatasetSplit
    /// The test split.
    public var test: DatasetSplit
    /// The name of every label of the source, indexed by label.
    public var classNames: [String]
    /// The labels kept (the `classes:` filter, or every label).
    public var classes: [Int]
    /// When the pixels are shuffled: stored pixel `i` of every image is original pixel `pixelPermutation[i]`.
    public var pixelPermutation: [Int]?
    /// The seed the pixel permutation was drawn with, if any.
    public var permutationSeed: UInt64?

    /// A dataset from its parts (no pixel shuffle).
    public init(name: String, train: DatasetSplit, test: DatasetSplit, classNames: [String], classes: [Int]) {
        self.name = name
        self.train = train
        self.test = test
        self.classNames = classNames
        self.classes = classes
    }

    /// The name of a label, or the label as text when it has none.
    public func className(of label: Int) -> String {
        classNames.indices.contains(label) ? classNames[label] : String(label)
    }

    /// One line per fact: source, split sizes, image shape, classes, shuffling.
    public var summary: String {
        let shape = train.imageShape.map(String.init).joined(separator: "×")
        var lines = ["\(name): \(train.count) train / \(test.count) test images of \(shape), values in [0, 1]"]
        lines.append("classes: " + classes.map { "\($0) \(className(of: $0))" }.joined(separator: ", "))
        if let permutationSeed { lines.append("pixels shuffled by one fixed permutation (seed \(permutationSeed))") }
        return lines.joined(separator: "\n")
    }
}
