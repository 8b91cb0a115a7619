import MorphEngine
import MorphRender

extension Library {
    /// Datasets, splits and images (issue 5, "Data").
    static let experimentsData = Library(name: "experiments-data", builtins: [
        .function("dataset", [
            .positional("name", .string, doc: "\"fashion-mnist\", \"mnist\" or \"synthetic\""),
            .labeled("classes", ExperimentsSupport.optionalInts, default: Literal.none, doc: "keep only these labels, e.g. [0, 1]"),
            .labeled("train", ExperimentsSupport.optionalInt, default: Literal.none, doc: "keep the first N training images (after the class filter)"),
            .labeled("test", ExperimentsSupport.optionalInt, default: Literal.none, doc: "keep the first N test images"),
            .labeled("directory", ExperimentsSupport.optionalString, default: Literal.none, doc: "where the IDX files are (mnist: else $MORPH_DATA)"),
        ], returns: .host("Dataset"),
        summary: "Loads Fashion-MNIST, MNIST or a generated synthetic dataset, pixels scaled to [0, 1].",
        doc: """
            fashion-mnist is read from /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist). \
            mnist is read from directory: or $MORPH_DATA and downloaded there when the network allows \
            ($MORPH_MNIST_URL, checksums verified); otherwise the error says which files to place where. \
            synthetic draws simple shapes at seeded random positions, for offline work.
            The value shows a summary and a grid of samples; data.train, data.test, data.test[3], \
            data.test[0..<8] and data.classes reach inside it.
            Example:
                let data = dataset("fashion-mnist", classes: [0, 1], train: 2000, test: 500)
            """) { call in
            let name = try call.arguments.string("name")
            let classes: [Int]? = call.arguments.has("classes") ? try intArray(call, "classes") : nil
            let train: Int? = call.arguments.has("train") ? try call.arguments.int("train") : nil
            let test: Int? = call.arguments.has("test") ? try call.arguments.int("test") : nil
            let directory: String? = call.arguments.has("directory") ? try call.arguments.string("directory") : nil
            let loaded = try call.context.engine("DataError") {
                try Dataset.load(name, classes: classes, train: train, test: test, directory: directory)
            }
            return .host(DatasetValue(loaded))
        },
        .function("shuffled", [
            .positional("data", .host("Dataset"), doc: "the dataset whose pixels to rearrange"),
            .labeled("seed", .int, default: .int(0), doc: "fixes the permutation"),
        ], returns: .host("Dataset"),
        summary: "The dataset with one fixed random permutation applied to every image's pixels.",
        doc: """
            A fully connected model sees the same information; a convolutional one loses locality. \
            The dataset keeps the permutation: models trained on it decode back to the original pixel \
            order, so their strips and reconstructions show unshuffled images.
            Example:
                let mixed = shuffled(data, seed: 1)
            """) { call in
            let data = try call.arguments.host("data", as: DatasetValue.self)
            return .host(DatasetValue(data.dataset.shuffled(seed: try ExperimentsSupport.seed(call))))
        },
        .function("shifted", [
            .positional("image", .host("Image"), doc: "the image to move"),
            .labeled("by", .array(of: .int), doc: "[dx, dy] in pixels, right and down positive"),
        ], returns: .host("Image"),
        summary: "The image moved by [dx, dy] pixels, filling with zeros.",
        doc: "Shifts act on the image as drawn (a shuffled image is unshuffled, shifted and reshuffled).\nExample:\n    shifted(data.test[0], by: [3, 0])") { call in
            let image = try ExperimentsSupport.image(call, "image")
            let by = try intArray(call, "by")
            guard by.count == 2 else { throw call.arguments.error("ValueError", "'by' must be [dx, dy], got \(by.count) numbers", at: "by") }
            let moved = try ExperimentsSupport.run(call) {
                try ImageShift.shifted(image.originalPixels, width: image.width, height: image.height, dx: by[0], dy: by[1])
            }
            let stored = image.pixelPermutation.map { p in p.map { moved[$0] } } ?? moved
            return .host(ImageValue(pixels: stored, width: image.width, height: image.height, label: image.label,
                                    className: image.className, name: "shifted(\(image.name), by: [\(by[0]), \(by[1])])",
                                    pixelPermutation: image.pixelPermutation))
        },
        .property(of: DatasetValue.self, on: "Dataset", "train", returns: .host("Split"), summary: "The training split.") { .host($0.train) },
        .property(of: DatasetValue.self, on: "Dataset", "test", returns: .host("Split"), summary: "The test split.") { .host($0.test) },
        .property(of: DatasetValue.self, on: "Dataset", "classes", returns: .array(of: .int), summary: "The labels kept.") { d in
            .array(d.dataset.classes.map { .int($0) })
        },
        .property(of: DatasetValue.self, on: "Dataset", "classNames", returns: .array(of: .string), summary: "The names of the labels kept.") { d in
            .array(d.dataset.classes.map { .string(d.dataset.className(of: $0)) })
        },
        .property(of: DatasetValue.self, on: "Dataset", "name", returns: .string, summary: "The source's name.") { .string($0.dataset.name) },
        .property(of: SplitValue.self, on: "Split", "count", returns: .int, summary: "The number of images.") { .int($0.count) },
        .property(of: SplitValue.self, on: "Split", "labels", returns: .array(of: .int), summary: "Each image's class label.") { s in
            .array(s.split.labels.map { .int($0) })
        },
        .property(of: SplitValue.self, on: "Split", "classes", returns: .array(of: .int), summary: "The distinct labels present, sorted.") { s in
            .array(Set(s.split.labels).sorted().map { .int($0) })
        },
        .property(of: ImageValue.self, on: "Image", "label", returns: .int, summary: "The image's class label (none if unknown).") { i in
            i.label.map { .int($0) } ?? .none
        },
        .property(of: ImageValue.self, on: "Image", "className", returns: .string, summary: "The image's class name.") { i in
            i.className.map { .string($0) } ?? .none
        },
        .property(of: ImageValue.self, on: "Image", "pixels", returns: .array(of: .double), summary: "The pixel values in [0, 1], row by row.") { i in
            .array(i.pixels.map { .double(Double($0)) })
        },
    ], types: [
        TypeDoc(name: "Dataset", summary: "Images with labels in train and test splits: data.train, data.test, data.classes."),
        TypeDoc(name: "Split", summary: "A split or a range of one: data.test, data.test[0..<8]; data.test[3] is one image."),
        TypeDoc(name: "Image", summary: "One image (28×28, pixels in [0, 1]) with its label."),
    ])
}

/// Array argument `name` as Ints.
private func intArray(_ call: Invocation, _ name: String) throws(ScriptError) -> [Int] {
    var result: [Int] = []
    for item in try call.arguments.array(name) {
        guard case .int(let i) = item else {
            throw call.arguments.error("TypeError", "'\(name)' must hold Ints, found \(item.typeName)", at: name)
        }
        result.append(i)
    }
    return result
}
