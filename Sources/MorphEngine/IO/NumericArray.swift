/// A shaped array of Float32 scalars in row-major (C) order: what the file readers produce.
///
/// The engine's `Tensor` is built from it; the readers do not depend on the engine.
public struct NumericArray: Sendable, Equatable {
    /// The extent of each axis, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// The elements in row-major order; `scalars.count` is the product of `shape`.
    public var scalars: [Float]

    /// An array with the given shape and scalars (the caller keeps `scalars.count` equal to the product of `shape`).
    public init(shape: [Int], scalars: [Float]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// An array of zeros with the given shape (negative extents count as zero).
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.scalars = [Float](repeating: 0, count: shape.reduce(1) { $0 * max($1, 0) })
    }

    /// The number of elements the shape describes (the caller keeps the shape well formed).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Whether the shape has no negative extents, its nonzero extents' product fits in `Int`, and
    /// it describes exactly `scalars.count` elements.
    public var isWellFormed: Bool {
        checkedProduct(shape) == scalars.count
    }
}

/// A named array, as stored in `.npz` archives and checkpoints (order is kept).
public struct NamedArray: Sendable, Equatable {
    /// The array's key, e.g. `enc.0.weight`.
    public var name: String
    /// The array itself.
    public var array: NumericArray

    /// A named array.
    public init(name: String, array: NumericArray) {
        self.name = name
        self.array = array
    }
}
