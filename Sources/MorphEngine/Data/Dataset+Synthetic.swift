extension Dataset {
    /// The shapes the synthetic dataset draws, by label.
    public static let syntheticClassNames = ["square", "cross", "circle", "horizontal bar", "vertical bar"]

    /// A generated dataset of simple shapes at seeded random positions and sizes (28×28 by default).
    ///
    /// Works offline and is identical for the same arguments on every machine.
    public static func synthetic(
        train: Int = 1000, test: Int = 200, seed: UInt64 = 0, classes: [Int]? = nil, side: Int = 28
    ) throws(DatasetError) -> Dataset {
        let kept = try validatedClasses(classes, classNames: syntheticClassNames)
        guard train >= 0, test >= 0, train <= 100_000, test <= 100_000 else {
            throw DatasetError("synthetic sizes must be between 0 and 100000 images (got train: \(train), test: \(test))")
        }
        guard (12...256).contains(side) else {
            throw DatasetError("synthetic images must be 12 to 256 pixels wide (got \(side))")
        }
        var trainGenerator = RandomGenerator(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 1)
        var testGenerator = RandomGenerator(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 2)
        return Dataset(
            name: "synthetic",
            train: syntheticSplit(count: train, side: side, classes: kept, generator: &trainGenerator),
            test: syntheticSplit(count: test, side: side, classes: kept, generator: &testGenerator),
            classNames: syntheticClassNames, classes: kept)
    }

    private static func syntheticSplit(count: Int, side: Int, classes: [Int], generator: inout RandomGenerator) -> DatasetSplit {
        var scalars = [Float](repeating: 0, count: count * side * side)
        var labels: [Int] = []
        labels.reserveCapacity(count)
        for index in 0..<count {
            let label = classes[generator.int(in: 0...(classes.count - 1))]
            labels.append(label)
            let radius = generator.int(in: (side / 7)...(side / 3))
            let cx = generator.int(in: radius...(side - 1 - radius))
            let cy = generator.int(in: radius...(side - 1 - radius))
            let thickness = generator.int(in: 1...max(1, side / 14))
            let intensity = 0.6 + 0.4 * generator.nextFloat()
            let base = index * side * side
            for y in 0..<side {
                for x in 0..<side {
                    let dx = x - cx, dy = y - cy
                    let inside: Bool
                    switch label {
                    case 0: inside = max(abs(dx), abs(dy)) <= radius && max(abs(dx), abs(dy)) > radius - thickness
                    case 1: inside = (abs(dx) < thickness && abs(dy) <= radius) || (abs(dy) < thickness && abs(dx) <= radius)
                    case 2:
                        let distance = (Float(dx * dx + dy * dy)).squareRoot()
                        inside = distance <= Float(radius) + 0.5 && distance > Float(radius - thickness) - 0.5
                    case 3: inside = abs(dy) <= thickness && abs(dx) <= radius
                    default: inside = abs(dx) <= thickness && abs(dy) <= radius
                    }
                    if inside { scalars[base + y * side + x] = intensity }
                }
            }
        }
        return DatasetSplit(images: NumericArray(shape: [count, 1, side, side], scalars: scalars), labels: labels)
    }
}
