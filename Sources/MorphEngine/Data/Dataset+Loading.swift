#if canImport(Glibc)
import Glibc
#endif

extension Dataset {
    /// Where Debian's `dataset-fashion-mnist` package installs the IDX files.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// Fashion-MNIST's class names, by label.
    public static let fashionMNISTClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The IDX file names of the MNIST family (train images, train labels, test images, test labels).
    public static let idxFileNames = [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ]

    /// Loads a dataset by name: `fashion-mnist`, `mnist` or `synthetic`.
    ///
    /// `classes` keeps only those labels; `train` and `test` keep the first N images after filtering.
    /// `directory` overrides where the IDX files are (for `mnist`, else `MORPH_DATA`).
    public static func load(
        _ name: String, classes: [Int]? = nil, train: Int? = nil, test: Int? = nil,
        directory: String? = nil, seed: UInt64 = 0
    ) throws -> Dataset {
        switch name.lowercased() {
        case "fashion-mnist", "fashion_mnist", "fashionmnist":
            return try fashionMNIST(directory: directory ?? fashionMNISTDirectory, classes: classes, train: train, test: test)
        case "mnist":
            return try mnist(directory: directory, classes: classes, train: train, test: test)
        case "synthetic":
            return try synthetic(train: train ?? 1000, test: test ?? 200, seed: seed, classes: classes)
        default:
            throw DatasetError("unknown dataset '\(name)': use \"fashion-mnist\", \"mnist\" or \"synthetic\"")
        }
    }

    /// Fashion-MNIST from its IDX files (by default where Debian's package puts them).
    public static func fashionMNIST(
        directory: String = fashionMNISTDirectory, classes: [Int]? = nil, train: Int? = nil, test: Int? = nil
    ) throws -> Dataset {
        let missing = missingIDXFiles(in: directory)
        guard missing.isEmpty else {
            throw DatasetError("""
                Fashion-MNIST files are missing in \(directory): \(missing.joined(separator: ", ")). \
                Install them with `apt-get install dataset-fashion-mnist` (they go to \(fashionMNISTDirectory)), \
                or place the four .gz IDX files there (or in the directory: you pass).
                """)
        }
        return try fromIDXFiles(in: directory, name: "fashion-mnist", classNames: fashionMNISTClassNames,
                                classes: classes, train: train, test: test)
    }

    /// A dataset from the four MNIST-style IDX files in `directory` (`.gz` or plain).
    public static func fromIDXFiles(
        in directory: String, name: String, classNames: [String], classes: [Int]? = nil,
        train: Int? = nil, test: Int? = nil
    ) throws -> Dataset {
        let kept = try validatedClasses(classes, classNames: classNames)
        for (label, limit) in [("train", train), ("test", test)] {
            if let limit, limit < 0 { throw DatasetError("\(label): must be zero or more, got \(limit)") }
        }
        let paths = idxFileNames.map { idxPath($0, in: directory) ?? "\(directory)/\($0).gz" }
        let trainSplit = try split(images: paths[0], labels: paths[1], classes: kept, limit: train, classCount: classNames.count)
        let testSplit = try split(images: paths[2], labels: paths[3], classes: kept, limit: test, classCount: classNames.count)
        return Dataset(name: name, train: trainSplit, test: testSplit, classNames: classNames, classes: kept)
    }

    /// The IDX files of the MNIST family that are absent from `directory` (neither `.gz` nor plain).
    static func missingIDXFiles(in directory: String) -> [String] {
        idxFileNames.filter { idxPath($0, in: directory) == nil }.map { $0 + ".gz" }
    }

    static func idxPath(_ baseName: String, in directory: String) -> String? {
        for candidate in ["\(directory)/\(baseName).gz", "\(directory)/\(baseName)"] where access(candidate, F_OK) == 0 {
            return candidate
        }
        return nil
    }

    static func validatedClasses(_ classes: [Int]?, classNames: [String]) throws(DatasetError) -> [Int] {
        guard let classes else { return Array(classNames.indices) }
        guard !classes.isEmpty else { throw DatasetError("classes: must name at least one class") }
        var kept: [Int] = []
        for label in classes where !kept.contains(label) {
            guard classNames.indices.contains(label) else {
                throw DatasetError("class \(label) does not exist: labels are 0...\(classNames.count - 1) (\(classNames.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")))")
            }
            kept.append(label)
        }
        return kept
    }

    private static func split(images imagePath: String, labels labelPath: String, classes: [Int], limit: Int?,
                              classCount: Int) throws -> DatasetSplit {
        let labels = try IDX.read(from: labelPath)
        guard labels.shape.count == 1 else {
            throw DataFileError(path: labelPath, reason: "a label file must have one dimension (magic 0x00000801), it has shape \(labels.shape)")
        }
        if let bad = labels.values.first(where: { Int($0) >= classCount }) {
            throw DataFileError(path: labelPath, reason: "label \(bad) is outside 0...\(classCount - 1)")
        }
        let images = try IDX.read(from: imagePath)
        guard images.shape.count == 3 else {
            throw DataFileError(path: imagePath, reason: "an image file must have three dimensions N×H×W (magic 0x00000803), it has shape \(images.shape)")
        }
        guard images.shape[0] == labels.shape[0] else {
            throw DataFileError(path: imagePath, reason: "holds \(images.shape[0]) images but \(labelPath) holds \(labels.shape[0]) labels")
        }
        let keep = Set(classes)
        var indices: [Int] = []
        for (index, label) in labels.values.enumerated() where keep.contains(Int(label)) {
            if let limit, indices.count >= limit { break }
            indices.append(index)
        }
        let size = images.shape[1] * images.shape[2]
        var scalars = [Float](repeating: 0, count: indices.count * size)
        images.values.withUnsafeBufferPointer { source in
            scalars.withUnsafeMutableBufferPointer { target in
                for (row, index) in indices.enumerated() {
                    let from = index * size
                    let to = row * size
                    for p in 0..<size { target[to + p] = Float(source[from + p]) / 255 }
                }
            }
        }
        return DatasetSplit(images: NumericArray(shape: [indices.count, 1, images.shape[1], images.shape[2]], scalars: scalars),
                            labels: indices.map { Int(labels.values[$0]) })
    }
}
