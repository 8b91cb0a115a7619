import Glibc
import Testing
import MorphEngine

@Suite("Datasets")
struct DataTests {
    @Test func syntheticIsDeterministicAndWellFormed() throws {
        let a = try Dataset.synthetic(train: 50, test: 20, seed: 7)
        let b = try Dataset.load("synthetic", train: 50, test: 20, seed: 7)
        let c = try Dataset.synthetic(train: 50, test: 20, seed: 8)
        #expect(a == b)
        #expect(a.train.images != c.train.images)
        #expect(a.train.images.shape == [50, 1, 28, 28])
        #expect(a.test.images.shape == [20, 1, 28, 28])
        #expect(a.train.images.scalars.allSatisfy { (0...1).contains($0) })
        #expect(Set(a.train.labels).isSubset(of: Set(0..<Dataset.syntheticClassNames.count)))
        #expect(Set(a.train.labels).count >= 4, "all shapes appear in 50 draws")
        for index in 0..<a.train.count {
            let ink = try a.train.image(at: index).scalars.filter { $0 > 0 }.count
            #expect(ink >= 5, "image \(index) has a visible shape")
        }
        let filtered = try Dataset.synthetic(train: 30, test: 5, seed: 1, classes: [2, 0])
        #expect(Set(filtered.train.labels).isSubset(of: [0, 2]))
        #expect(filtered.classes == [2, 0])
    }

    @Test func pixelShuffleKeepsItsPermutation() throws {
        let data = try Dataset.synthetic(train: 4, test: 3, seed: 2)
        let shuffled = data.shuffled(seed: 11)
        #expect(shuffled.pixelPermutation?.sorted() == Array(0..<784))
        #expect(shuffled.pixelPermutation == data.shuffled(seed: 11).pixelPermutation)
        #expect(shuffled.pixelPermutation != data.shuffled(seed: 12).pixelPermutation)
        #expect(shuffled.train.images != data.train.images)
        for index in 0..<data.test.count {
            let original = try data.test.image(at: index)
            let mixed = try shuffled.test.image(at: index)
            #expect(mixed.scalars.sorted() == original.scalars.sorted())
            #expect(shuffled.unshuffled(mixed) == original)
        }
        #expect(shuffled.unshuffled(shuffled.train.images) == data.train.images, "a whole batch too")
        let twice = shuffled.shuffled(seed: 5)
        #expect(twice.unshuffled(twice.train.images) == data.train.images)
        #expect(shuffled.summary.contains("seed 11"))
    }

    @Test func shiftedMovesAndZeroFills() throws {
        let image = NumericArray(shape: [1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(try shifted(image, by: (dx: 1, dy: 0)).scalars == [0, 1, 2, 0, 4, 5, 0, 7, 8])
        #expect(try shifted(image, by: (dx: 0, dy: -1)).scalars == [4, 5, 6, 7, 8, 9, 0, 0, 0])
        #expect(try shifted(image, by: (dx: -2, dy: 2)).scalars == [0, 0, 0, 0, 0, 0, 3, 0, 0])
        #expect(try shifted(image, by: (dx: 3, dy: 0)).scalars == Array(repeating: 0, count: 9))
        #expect(try shifted(image, by: (dx: 0, dy: 0)) == image)
        let batch = NumericArray(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
        #expect(try shifted(batch, by: (dx: 1, dy: 0)).scalars == [0, 1, 0, 3])
        #expect(throws: DatasetError.self) { try shifted(NumericArray(shape: [4], scalars: [1, 2, 3, 4]), by: (dx: 1, dy: 0)) }
    }

    @Test func splitsIndexAndSliceWithErrors() throws {
        let data = try Dataset.synthetic(train: 10, test: 10, seed: 3)
        let part = try data.test.slice(2..<5)
        #expect(part.count == 3)
        #expect(part.labels == Array(data.test.labels[2..<5]))
        #expect(try part.image(at: 0) == data.test.image(at: 2))
        #expect(throws: DatasetError.self) { try data.test.image(at: 10) }
        #expect(throws: DatasetError.self) { try data.test.slice(5..<11) }
        #expect(throws: DatasetError.self) { try Dataset.synthetic(classes: [9]) }
        #expect((try? Dataset.load("cifar")) == nil)
    }

    @Test func fashionMNISTSubsetFromDebian() throws {
        guard access(Dataset.fashionMNISTDirectory + "/train-images-idx3-ubyte.gz", R_OK) == 0 else {
            print("skipped: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
            return
        }
        let data = try Dataset.load("fashion-mnist", classes: [0, 1], train: 100, test: 40)
        #expect(data.train.images.shape == [100, 1, 28, 28])
        #expect(data.test.images.shape == [40, 1, 28, 28])
        #expect(Set(data.train.labels) == [0, 1])
        #expect(data.train.images.scalars.allSatisfy { (0...1).contains($0) })
        #expect(data.train.images.scalars.max() == 1)
        #expect(data.className(of: 1) == "Trouser")
        // Fashion-MNIST's published first test labels.
        let all = try Dataset.fashionMNIST(train: 0, test: 10)
        #expect(all.train.count == 0)
        #expect(all.test.labels == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
    }

    @Test func missingFilesSayWhatToDo() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let error = #expect(throws: DatasetError.self) { try Dataset.fashionMNIST(directory: dir.path) }
        #expect(error?.message.contains("apt-get install dataset-fashion-mnist") == true)
        #expect(error?.message.contains("t10k-labels-idx1-ubyte.gz") == true)
        let noDirectory = #expect(throws: DatasetError.self) { try Dataset.mnist(environment: [:]) }
        #expect(noDirectory?.message.contains("MORPH_DATA") == true)
        let disabled = #expect(throws: DatasetError.self) {
            try Dataset.mnist(directory: dir.path, environment: ["MORPH_MNIST_DOWNLOAD": "0"])
        }
        #expect(disabled?.message.contains("Place train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz") == true)
        #expect(disabled?.message.contains(dir.path) == true)
    }

    @Test func inconsistentIDXFilesAreRejected() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try writeIDXSet(in: dir.path, train: 6, test: 4)
        try IDX.write(IDXArray(shape: [5], values: [0, 1, 2, 3, 4]), to: dir.file("train-labels-idx1-ubyte.gz"), compressed: true)
        let mismatch = #expect(throws: DataFileError.self) { try Dataset.mnist(directory: dir.path, environment: [:]) }
        #expect(mismatch?.reason.contains("holds 6 images but") == true)
        try IDX.write(IDXArray(shape: [6], values: [0, 1, 2, 3, 4, 12]), to: dir.file("train-labels-idx1-ubyte.gz"), compressed: true)
        let label = #expect(throws: DataFileError.self) { try Dataset.mnist(directory: dir.path, environment: [:]) }
        #expect(label?.reason.contains("label 12") == true)
        testWriteFile(Array("<html>404</html>".utf8), to: dir.file("train-labels-idx1-ubyte.gz"))
        let foreign = #expect(throws: DataFileError.self) { try Dataset.mnist(directory: dir.path, environment: [:]) }
        #expect(foreign?.path == dir.file("train-labels-idx1-ubyte.gz"))
    }
}

/// Writes the four MNIST-style files (gzip) with `train` and `test` images whose label is their index mod 10.
func writeIDXSet(in directory: String, train: Int, test: Int) throws {
    for (prefix, count) in [("train", train), ("t10k", test)] {
        let images = IDXArray(shape: [count, 28, 28], values: (0..<(count * 784)).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let labels = IDXArray(shape: [count], values: (0..<count).map { UInt8($0 % 10) })
        try IDX.write(images, to: "\(directory)/\(prefix)-images-idx3-ubyte.gz", compressed: true)
        try IDX.write(labels, to: "\(directory)/\(prefix)-labels-idx1-ubyte.gz", compressed: true)
    }
}
