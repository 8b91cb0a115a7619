extension Dataset {
    /// The dataset with every image's pixels rearranged by one permutation drawn from `seed`.
    ///
    /// The same permutation applies to every image of both splits, so a fully connected model
    /// sees the same information while convolutions lose locality. The permutation is kept:
    /// `unshuffled(_:)` restores an image for display.
    public func shuffled(seed: UInt64) -> Dataset {
        let size = train.pixelsPerImage
        var generator = RandomGenerator(seed: seed)
        var permutation = Array(0..<size)
        // Fisher–Yates with the seeded generator, so the permutation is the same on every platform.
        if size > 1 {
            for i in stride(from: size - 1, to: 0, by: -1) {
                permutation.swapAt(i, generator.int(in: 0...i))
            }
        }
        var result = self
        result.train = Self.permute(train, by: permutation)
        result.test = Self.permute(test, by: permutation)
        // Composed with an earlier shuffle, stored pixel i is still original pixel result.pixelPermutation[i].
        result.pixelPermutation = pixelPermutation.map { earlier in permutation.map { earlier[$0] } } ?? permutation
        result.permutationSeed = seed
        return result
    }

    /// An image (or batch `[N, …]`) of this dataset with its pixels put back in their original places.
    public func unshuffled(_ image: NumericArray) -> NumericArray {
        guard let permutation = pixelPermutation, !permutation.isEmpty,
              image.scalars.count % permutation.count == 0 else { return image }
        var restored = image
        let size = permutation.count
        for start in stride(from: 0, to: image.scalars.count, by: size) {
            for (i, source) in permutation.enumerated() { restored.scalars[start + source] = image.scalars[start + i] }
        }
        return restored
    }

    private static func permute(_ split: DatasetSplit, by permutation: [Int]) -> DatasetSplit {
        var result = split
        let size = permutation.count
        guard size > 0 else { return result }
        split.images.scalars.withUnsafeBufferPointer { source in
            result.images.scalars.withUnsafeMutableBufferPointer { target in
                for start in stride(from: 0, to: source.count, by: size) {
                    for i in 0..<size { target[start + i] = source[start + permutation[i]] }
                }
            }
        }
        return result
    }
}
