import Testing
@testable import MorphEngine

@Suite("Forward-mode Linear products that skip zero tangent columns")
struct SparseTangentProductTests {
    /// T·Wᵀ in Double, zero where `rectifier` y [R / k, out] is not positive, the reference.
    static func reference(_ t: Tensor, _ w: Tensor, rectifier y: Tensor, k: Int) -> [Float] {
        var out = reference(t, w)
        let outputs = w.shape[0]
        for r in 0..<t.shape[0] { for u in 0..<outputs where y.scalars[(r / k) * outputs + u] <= 0 { out[r * outputs + u] = 0 } }
        return out
    }

    /// T·Wᵀ in Double, the reference.
    static func reference(_ t: Tensor, _ w: Tensor) -> [Float] {
        let rows = t.shape[0], inputs = t.shape[1], outputs = w.shape[0]
        var out = [Float](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                var acc = 0.0
                for i in 0..<inputs { acc += Double(t.scalars[r * inputs + i]) * Double(w.scalars[o * inputs + i]) }
                out[r * outputs + o] = Float(acc)
            }
        }
        return out
    }

    @Test func packedGroupsEqualTheDenseProduct() throws {
        // Four groups of `groupRows` rows over 300 inputs: sparse (about 15 % of columns), all
        // zero, dense, and a short last group that is sparse again.
        let rows = 3 * SparseTangentProduct.groupRows + 40, inputs = 300
        var t = try normal([rows, inputs], seed: 31)
        var g = RandomGenerator(seed: 32)
        for group in 0..<4 {
            let lo = group * SparseTangentProduct.groupRows, hi = min(rows, lo + SparseTangentProduct.groupRows)
            let keep: (Int) -> Bool
            switch group {
            case 1: keep = { _ in false }
            case 2: keep = { _ in true }
            default:
                let active = Set((0..<inputs).filter { _ in g.nextFloat() < 0.15 })
                keep = { active.contains($0) }
            }
            for r in lo..<hi { for c in 0..<inputs where !keep(c) { t.scalars[r * inputs + c] = 0 } }
        }
        let w = try normal([200, inputs], seed: 33)
        let product = try SparseTangentProduct.product(t, weight: w)
        #expect(product.shape == [rows, 200])
        let err = GradientCheck.relativeError(product.scalars, SparseTangentProductTests.reference(t, w), floor: 0)
        #expect(err < 1e-5, "relative error \(err) against the Double product")
        let zeroGroup = product.scalars[SparseTangentProduct.groupRows * 200 ..< 2 * SparseTangentProduct.groupRows * 200]
        #expect(zeroGroup.allSatisfy { $0 == 0 }, "a group with no active column gives zero rows")
    }

    @Test func rectifiedGroupsEqualTheMaskedDenseProduct() throws {
        // 48 points of 16 tangents (three groups) through a rectified layer of 200 units: the
        // first group's points switch off all but 20 units, the second's leave every unit on (its
        // outputs stay dense), the third's switch everything off. Inputs are sparse in the first.
        let k = 16, points = 48, inputs = 300, outputs = 200
        var t = try normal([points * k, inputs], seed: 35)
        for r in 0..<SparseTangentProduct.groupRows { for c in 100..<inputs { t.scalars[r * inputs + c] = 0 } }
        var y = try normal([points, outputs], seed: 36)
        for s in 0..<points {
            for u in 0..<outputs {
                let on: Bool
                switch s / (SparseTangentProduct.groupRows / k) {
                case 0: on = u % 10 == 3 && (u + s) % 3 != 0
                case 1: on = true
                default: on = false
                }
                y.scalars[s * outputs + u] = on ? abs(y.scalars[s * outputs + u]) + 0.1 : 0
            }
        }
        let w = try normal([outputs, inputs], seed: 37)
        let plans = SparseTangentProduct.plans(t, outputs: outputs, rectifier: y, k: k)
        #expect(plans.map { $0.outputs?.count } == [20, nil, 0], "units kept per group")
        #expect(plans[0].inputs?.count == 100 && plans[1].inputs == nil)
        let product = try SparseTangentProduct.product(t, weight: w, rectifier: y, tangentCount: k)
        let expected = SparseTangentProductTests.reference(t, w, rectifier: y, k: k)
        let err = GradientCheck.relativeError(product.scalars, expected, floor: 0)
        #expect(err < 1e-5, "relative error \(err) against the masked Double product")
        #expect(zip(product.scalars, expected).allSatisfy { ($0 == 0) == ($1 == 0) }, "exact zeros where the ReLU is off")
    }

    @Test func rowsWithAtMostTwoNonzerosTakeRowCombinations() throws {
        // 40 points of 16 tangents over 16 inputs: the basis (one 1 per row), then rows with a
        // scaled entry, two entries, none; a third nonzero in one row sends the product to BLAS.
        let k = 16, points = 40, inputs = 16, outputs = 70
        var t = try Tensor.zeros([points * k, inputs])
        var g = RandomGenerator(seed: 38)
        for r in 0..<points * k {
            switch r % 4 {
            case 0: t.scalars[r * inputs + r % k] = 1
            case 1: t.scalars[r * inputs + (r * 7) % inputs] = g.nextFloat() * 4 - 2
            case 2: t.scalars[r * inputs + 3] = g.nextFloat(); t.scalars[r * inputs + 11] = -g.nextFloat()
            default: break
            }
        }
        #expect(RowEntries(t) != nil)
        let w = try normal([outputs, inputs], seed: 39)
        var y = try normal([points, outputs], seed: 40)
        for i in y.scalars.indices where i % 3 == 0 { y.scalars[i] = 0 }
        for rectifier in [nil, y] {
            let product = try SparseTangentProduct.product(t, weight: w, rectifier: rectifier, tangentCount: k)
            let expected = rectifier.map { SparseTangentProductTests.reference(t, w, rectifier: $0, k: k) }
                ?? SparseTangentProductTests.reference(t, w)
            let err = GradientCheck.relativeError(product.scalars, expected, floor: 0)
            #expect(err < 1e-6, "relative error \(err), rectified: \(rectifier != nil)")
        }
        var dense = t
        dense.scalars[5 * inputs + 1] = 0.5; dense.scalars[5 * inputs + 2] = 0.5
        #expect(RowEntries(dense) == nil, "a row with three nonzeros")
        let product = try SparseTangentProduct.product(dense, weight: w)
        #expect(GradientCheck.relativeError(product.scalars, SparseTangentProductTests.reference(dense, w), floor: 0) < 1e-5)
    }

    @Test func sharedTangentRowsTakeTheSharedProduct() throws {
        // 40 points of 16 tangents whose rows share their values (shared row k at the columns the
        // point keeps, as after a rectified layer): most columns kept by every point, some by a
        // few, some by none; a group where no point lacks anything; a short last group.
        let k = 16, points = 40, inputs = 120, outputs = 90
        let shared = try normal([k, inputs], seed: 51)
        var g = RandomGenerator(seed: 52)
        let everywhere = Set((0..<inputs).filter { _ in g.nextFloat() < 0.6 }), never = Set((0..<inputs).filter { _ in g.nextFloat() < 0.1 })
        var t = Tensor(shape: [points * k, inputs], count: points * k * inputs) { $0.update(repeating: 0, count: points * k * inputs) }
        for p in 0..<points {
            let complete = (16..<32).contains(p)  // the second group: every point keeps every column
            for c in 0..<inputs where !never.contains(c) && (complete || everywhere.contains(c) || g.nextFloat() < 0.3) {
                for kk in 0..<k { t.scalars[(p * k + kk) * inputs + c] = shared.scalars[kk * inputs + c] }
            }
        }
        #expect(SharedRows(t, tangentCount: k) != nil)
        let w = try normal([outputs, inputs], seed: 53)
        let plain = try SparseTangentProduct.product(t, weight: w, tangentCount: k)
        let err = GradientCheck.relativeError(plain.scalars, SparseTangentProductTests.reference(t, w), floor: 0)
        #expect(err < 1e-5, "relative error \(err) against the Double product")
        let y = try normal([points, outputs], seed: 54)
        let rectified = try SparseTangentProduct.product(t, weight: w, rectifier: y, tangentCount: k)
        let rectifiedErr = GradientCheck.relativeError(rectified.scalars, SparseTangentProductTests.reference(t, w, rectifier: y, k: k), floor: 0)
        #expect(rectifiedErr < 1e-5, "rectified: relative error \(rectifiedErr)")
        // Two different nonzero values for one tangent and column: not shared.
        var conflicting = t
        let column = try #require((0..<inputs).first { everywhere.contains($0) && !never.contains($0) })
        conflicting.scalars[(3 * k + 2) * inputs + column] += 1
        #expect(SharedRows(conflicting, tangentCount: k) == nil)
        let conflictingErr = GradientCheck.relativeError(try SparseTangentProduct.product(conflicting, weight: w, tangentCount: k).scalars,
                                                         SparseTangentProductTests.reference(conflicting, w), floor: 0)
        #expect(conflictingErr < 1e-5)
    }

    @Test func pathJacobianEqualsPointByPointJacobian() throws {
        // 64 points of a path through a ReLU decoder: 1024 tangent rows in one chunk take the
        // packed products; one point per chunk (16 rows) takes the dense ones.
        let model = try AutoEncoderModel(.autoEncoderBakeOff, latent: 16, seed: 3)
        let ends = try normal([2, 16], seed: 34)
        var points: [Float] = []
        for i in 0..<64 {
            let s = Float(i) / 63
            for k in 0..<16 { points.append((1 - s) * ends.scalars[k] + s * ends.scalars[16 + k]) }
        }
        let z = try Tensor(shape: [64, 16], scalars: points)
        // The tangents entering the second Linear layer (after Linear + ReLU) leave columns out.
        let basis = try Tensor(shape: [64 * 16, 16], scalars: (0..<64 * 16 * 16).map { i in
            Float((i / 16) % 16 == i % 16 ? 1 : 0)
        })
        let decoder = try #require(model.decoder as? Sequential)
        let hidden = try decoder.layers[1](decoder.layers[0](Variable(z, tangent: basis, count: 16)))
        let groups = SparseTangentProduct.activeColumnsPerGroup(try #require(hidden.tangent))
        #expect(groups.contains { SparseTangentProduct.packs($0, of: 256) }, "no group was packed: \(groups.map(\.count))")
        let whole = try jacobian(of: model, at: z, chunkSize: 64)
        let single = try jacobian(of: model, at: z, chunkSize: 1)
        let err = GradientCheck.relativeError(whole.scalars, single.scalars, floor: 0)
        #expect(err < 1e-5, "relative error \(err) between the packed and the dense Jacobians")
    }
}
