/// A shaped array of Float32 values in contiguous row-major (C) order.
///
/// A value type: copies share storage until one of them is written (copy-on-write).
/// Axis 0 is the batch axis wherever an operation speaks of samples.
public struct Tensor: Sendable, Equatable {
    /// The size of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order.
    public internal(set) var scalars: [Float]

    /// The largest tensor the engine allocates, in bytes (4 GiB).
    public static let maximumBytes = 4 << 30

    /// Number of elements of a shape, or an error for negative or absurd sizes.
    static func elementCount(of shape: [Int]) throws(EngineError) -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else { throw .invalidArgument("shape \(shape) has a negative dimension") }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= maximumBytes / 4 else {
                let (bytes, big) = product.multipliedReportingOverflow(by: 4)
                throw .tooLarge(shape: shape, bytes: overflow || big ? Int.max : bytes)
            }
            count = product
        }
        try MemoryBudget.check(bytes: count * 4)
        return count
    }

    /// A tensor with the given shape and elements (row-major); counts must agree.
    public init(shape: [Int], scalars: [Float]) throws(EngineError) {
        let n = try Tensor.elementCount(of: shape)
        guard n == scalars.count else {
            throw .invalidArgument("shape \(shape) needs \(n) values, got \(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Internal initialiser for shapes already checked.
    init(unchecked shape: [Int], scalars: [Float]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor filled with one value.
    public init(repeating value: Float, shape: [Int]) throws(EngineError) {
        let n = try Tensor.elementCount(of: shape)
        self.shape = shape
        self.scalars = [Float](repeating: value, count: n)
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) throws(EngineError) -> Tensor {
        try Tensor(repeating: 0, shape: shape)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) throws(EngineError) -> Tensor {
        try Tensor(repeating: 1, shape: shape)
    }

    /// A rank-0 tensor holding one value.
    public init(_ value: Float) {
        self.shape = []
        self.scalars = [value]
    }

    /// A 1-D tensor of the given values.
    public init(_ values: [Float]) {
        self.shape = [values.count]
        self.scalars = values
    }

    /// A 2-D tensor from rows of equal length.
    public init(rows: [[Float]]) throws(EngineError) {
        let width = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == width }) else {
            throw .invalidArgument("rows have different lengths: \(rows.map(\.count))")
        }
        self.shape = [rows.count, width]
        self.scalars = rows.flatMap { $0 }
    }

    /// Samples from a normal distribution (mean, standard deviation) with a seeded generator.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    generator: inout RandomGenerator) throws(EngineError) -> Tensor {
        let n = try elementCount(of: shape)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = mean + standardDeviation * generator.nextNormal() }
        return Tensor(unchecked: shape, scalars: values)
    }

    /// Samples uniformly from [low, high) with a seeded generator.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator) throws(EngineError) -> Tensor {
        let n = try elementCount(of: shape)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = low + (high - low) * generator.nextFloat() }
        return Tensor(unchecked: shape, scalars: values)
    }

    /// Number of elements.
    public var count: Int { scalars.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Size of axis 0 (1 for a rank-0 tensor).
    public var batchSize: Int { shape.first ?? 1 }
    /// Elements per sample along axis 0.
    public var sampleSize: Int { shape.isEmpty ? 1 : shape.dropFirst().reduce(1, *) }

    /// The single value of a one-element tensor.
    public var scalar: Float? { scalars.count == 1 ? scalars[0] : nil }

    /// The same elements with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) throws(EngineError) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            guard known > 0, count % known == 0 else {
                throw .shapeMismatch(operation: "reshape", lhs: shape, rhs: newShape)
            }
            resolved[inferred] = count / known
        }
        guard let n = try? Tensor.elementCount(of: resolved), n == count else {
            throw .shapeMismatch(operation: "reshape", lhs: shape, rhs: newShape)
        }
        return Tensor(unchecked: resolved, scalars: scalars)
    }

    /// Samples `range` along the batch axis.
    public func samples(_ range: Range<Int>) throws(EngineError) -> Tensor {
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw .invalidArgument("sample range \(range) is outside 0..<\(shape.first ?? 0) of a tensor of shape \(shape)")
        }
        let s = sampleSize
        var newShape = shape
        newShape[0] = range.count
        return Tensor(unchecked: newShape, scalars: Array(scalars[(range.lowerBound * s)..<(range.upperBound * s)]))
    }

    /// The samples at the given indices along the batch axis, in that order.
    public func samples(at indices: [Int]) throws(EngineError) -> Tensor {
        guard rank >= 1 else { throw .invalidArgument("cannot index samples of a rank-0 tensor") }
        let n = shape[0], s = sampleSize
        var out = [Float](repeating: 0, count: indices.count * s)
        for (row, i) in indices.enumerated() {
            guard i >= 0, i < n else { throw .invalidArgument("sample index \(i) is outside 0..<\(n)") }
            out.withUnsafeMutableBufferPointer { o in
                scalars.withUnsafeBufferPointer { src in
                    (o.baseAddress! + row * s).update(from: src.baseAddress! + i * s, count: s)
                }
            }
        }
        var newShape = shape
        newShape[0] = indices.count
        return Tensor(unchecked: newShape, scalars: out)
    }

    /// One sample (axis 0 removed).
    public subscript(sample index: Int) -> Tensor {
        get throws(EngineError) {
            let t = try samples(index..<(index + 1))
            return Tensor(unchecked: Array(shape.dropFirst()), scalars: t.scalars)
        }
    }

    /// Tensors stacked along a new axis 0; all must have the same shape.
    public static func stack(_ tensors: [Tensor]) throws(EngineError) -> Tensor {
        guard let first = tensors.first else { throw .invalidArgument("stack needs at least one tensor") }
        for t in tensors where t.shape != first.shape {
            throw .shapeMismatch(operation: "stack", lhs: first.shape, rhs: t.shape)
        }
        var out = [Float]()
        out.reserveCapacity(first.count * tensors.count)
        for t in tensors { out.append(contentsOf: t.scalars) }
        return Tensor(unchecked: [tensors.count] + first.shape, scalars: out)
    }

    /// Tensors joined along an existing axis; the other axes must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws(EngineError) -> Tensor {
        guard let first = tensors.first else { throw .invalidArgument("concatenate needs at least one tensor") }
        guard axis >= 0, axis < first.rank else {
            throw .invalidArgument("concatenate axis \(axis) is outside a tensor of rank \(first.rank)")
        }
        var total = 0
        for t in tensors {
            guard t.rank == first.rank,
                  zip(t.shape, first.shape).enumerated().allSatisfy({ $0.offset == axis || $0.element.0 == $0.element.1 })
            else { throw .shapeMismatch(operation: "concatenate", lhs: first.shape, rhs: t.shape) }
            total += t.shape[axis]
        }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        var newShape = first.shape
        newShape[axis] = total
        var out = [Float]()
        out.reserveCapacity(outer * total * inner)
        for o in 0..<outer {
            for t in tensors {
                let block = t.shape[axis] * inner
                out.append(contentsOf: t.scalars[(o * block)..<((o + 1) * block)])
            }
        }
        return Tensor(unchecked: newShape, scalars: out)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(head)\(count > 8 ? ", …" : "")])"
    }
}
