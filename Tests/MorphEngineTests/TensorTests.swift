import Testing
@testable import MorphEngine

@Suite("Tensor")
struct TensorTests {
    @Test func creationAndReshape() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try t.reshaped([3, -1]).shape == [3, 2])
        #expect(try Tensor.zeros([2, 2]).sum() == 0)
        #expect(try Tensor.ones([2, 2]).sum() == 4)
        #expect(throws: EngineError.self) { try t.reshaped([4, 2]) }
        #expect(throws: EngineError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
    }

    @Test func absurdSizesAreRejectedBeforeAllocating() {
        #expect(throws: EngineError.self) { try Tensor.zeros([1 << 20, 1 << 20]) }
        #expect(throws: EngineError.self) { try Tensor.zeros([Int.max / 2, 4]) }
        #expect(throws: EngineError.self) { try Tensor.zeros([-1]) }
    }

    @Test func shapeMismatchNamesBothShapes() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4, 5])
        do {
            _ = try a + b
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("[2, 3]") && error.description.contains("[4, 5]"))
        }
        do {
            _ = try Tensor.matmul(a, b)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("[2, 3]") && error.description.contains("[4, 5]"))
        }
        do {
            _ = try MorphEngine.linear(Variable(a), weight: Variable(b), bias: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("[2, 3]") && error.description.contains("[4, 5]"))
        }
    }

    @Test func broadcastingOverTheBatch() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor([10, 20, 30])
        #expect(try (x + b).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (x * b).scalars == [10, 40, 90, 40, 100, 180])
        #expect((x * 2).scalars == [2, 4, 6, 8, 10, 12])
    }

    @Test func reductionsSlicingConcat() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(try x.sum(axis: 1).scalars == [6, 15])
        #expect(try x.mean(axis: 0).scalars == [2.5, 3.5, 4.5])
        #expect(x.sum() == 21)
        #expect(try x.samples(1..<2).scalars == [4, 5, 6])
        #expect(try x.samples(at: [1, 0]).scalars == [4, 5, 6, 1, 2, 3])
        #expect(try x.transposed().scalars == [1, 4, 2, 5, 3, 6])
        #expect(try Tensor.concatenate([x, x], axis: 1).scalars == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
        #expect(try Tensor.concatenate([x, x], axis: 0).shape == [4, 3])
        #expect(throws: EngineError.self) { try x.samples(1..<3) }
    }

    /// Sums over each axis of a [3, 4, 5] tensor against a loop in Double (the values are small
    /// integers, so every sum is exact), and over an empty axis.
    @Test func sumsOverEveryAxis() throws {
        let shape = [3, 4, 5]
        let x = try Tensor(shape: shape, scalars: (0..<60).map { Float(($0 * 7) % 11) - 5 })
        for axis in 0..<3 {
            var expected = [Double](repeating: 0, count: 60 / shape[axis])
            for i in 0..<3 { for j in 0..<4 { for k in 0..<5 {
                let index = [i, j, k]
                let kept = (0..<3).filter { $0 != axis }
                let o = index[kept[0]] * shape[kept[1]] + index[kept[1]]
                expected[o] += Double(x.scalars[(i * 4 + j) * 5 + k])
            } } }
            let sum = try x.sum(axis: axis)
            #expect(sum.shape == shape.enumerated().filter { $0.offset != axis }.map(\.element))
            #expect(sum.scalars == expected.map { Float($0) }, "axis \(axis)")
        }
        #expect(try Tensor.zeros([0, 3]).sum(axis: 0).scalars == [0, 0, 0])
    }

    /// Every kind of non-finite value, at every position of vectors around the vector widths.
    @Test func isFiniteFindsEveryNonFiniteValue() throws {
        let special: [Float] = [.infinity, -.infinity, .nan, -.nan, .signalingNaN, Float(bitPattern: 0x7F80_0001)]
        for count in [1, 7, 8, 9, 33] {
            let finite = (0..<count).map { [Float.greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                             .leastNonzeroMagnitude, 0, -0.0, 1][$0 % 6] }
            #expect(try Tensor(shape: [count], scalars: finite).isFinite)
            for position in 0..<count {
                for value in special {
                    var scalars = finite
                    scalars[position] = value
                    #expect(try !Tensor(shape: [count], scalars: scalars).isFinite, "\(value) at \(position) of \(count)")
                }
            }
        }
        #expect(try Tensor.zeros([0]).isFinite)
    }

    @Test func copyOnWrite() throws {
        let a = try Tensor.ones([3])
        var b = a
        b.scalars[0] = 5
        #expect(a.scalars == [1, 1, 1])
        #expect(b.scalars == [5, 1, 1])
    }

    @Test func seededRandomIsReproducible() throws {
        var g1 = RandomGenerator(seed: 42), g2 = RandomGenerator(seed: 42), g3 = RandomGenerator(seed: 43)
        let a = try Tensor.randomNormal([1000], generator: &g1)
        let b = try Tensor.randomNormal([1000], generator: &g2)
        let c = try Tensor.randomNormal([1000], generator: &g3)
        #expect(a == b)
        #expect(a != c)
        #expect(abs(a.mean()) < 0.1)
        #expect(abs(a.squaredNorm() / 1000 - 1) < 0.1)
        var g4 = RandomGenerator(seed: 1)
        let u = try Tensor.randomUniform([1000], low: -2, high: 3, generator: &g4)
        #expect(u.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(Set(g4.permutation(50)) == Set(0..<50))
    }

    @Test func transposesOfEveryShapeClass() throws {
        // Tiles of 16, blocks of 4, ragged edges, and bands split across threads.
        for (rows, columns) in [(1, 1), (3, 5), (4, 4), (16, 784), (37, 21), (513, 300), (784, 16)] {
            let x = try Tensor(shape: [rows, columns], scalars: (0..<rows * columns).map(Float.init))
            let t = try x.transposed()
            #expect(t.shape == [columns, rows])
            var expected = [Float](repeating: 0, count: rows * columns)
            for i in 0..<rows { for j in 0..<columns { expected[j * rows + i] = Float(i * columns + j) } }
            #expect(t.scalars == expected, "\(rows) × \(columns)")
        }
    }

    @Test func transposedMatmulWithoutCopies() throws {
        let a = try normal([5, 3], seed: 1), b = try normal([4, 3], seed: 2)
        let direct = try Tensor.matmul(a, b, transposingB: true)
        let explicit = try Tensor.matmul(a, b.transposed())
        #expect(GradientCheck.relativeError(direct.scalars, explicit.scalars) < 1e-6)
        let viaA = try Tensor.matmul(a.transposed(), b.transposed(), transposingA: true)
        #expect(GradientCheck.relativeError(viaA.scalars, explicit.scalars) < 1e-6)
    }
}
