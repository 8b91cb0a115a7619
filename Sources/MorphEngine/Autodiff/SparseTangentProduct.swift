/// Forward-mode tangents T [R, in] times a weight matrix W [out, in] transposed, T·Wᵀ, skipping
/// the input features whose tangents are zero in every row of a group of rows and, when a ReLU
/// follows, the output units it switches off at every point of the group.
///
/// After a ReLU the tangent of an inactive unit is exactly zero, and points close together (a
/// latent path) share most of their inactive units, so a group of rows often touches only a
/// fraction of W's columns, and a rectified layer only a fraction of its outputs. Each group of
/// `groupRows` rows multiplies only its active columns and units (packed, with the matching block
/// of Wᵀ); groups with few zeros, and inputs too small to gain, take the dense product. Skipped
/// terms are exact zeros, so the result equals the dense product up to the order of summation
/// (weights are finite).
///
/// The layer after a Jacobian's first rectified layer sees tangent rows that share their values
/// (`SharedRows`): each point keeps the same K rows at the units it has active. There a group
/// multiplies the K shared rows once and subtracts, per row, what it lacks over the few columns
/// where some point of the group lacks something (on a trained AutoEncoderBakeOff path, 23 of
/// 184 columns): about a fifth of the multiply-adds, equal up to rounding.
enum SparseTangentProduct {
    /// Rows per group (16 points of 16 tangents). Measured on a trained AutoEncoderBakeOff path
    /// against 128, 512 and 1024: smaller groups pack Wᵀ more often, larger ones multiply the
    /// union of more points' active units.
    static let groupRows = 256
    /// A group is packed when at most this fraction of its columns (or units) is active.
    static let packedFraction = 0.75

    /// What one group of rows multiplies: the input columns and the output units it keeps (nil: all).
    struct GroupPlan {
        var inputs: [Int]?
        var outputs: [Int]?
        var isPacked: Bool { inputs != nil || outputs != nil }
    }

    /// T·Wᵀ for t [R, in] and w [out, in], packed where a group's zeros pay for it. With
    /// `rectifier` y [R / k, out] (the output of relu(x·Wᵀ + b)), row r is kept only at the units
    /// where y[r / k] > 0: the JVP of the rectified layer, without multiplying the units it drops.
    /// `transposedWeight`, when given, is Wᵀ [in, out] (otherwise W is transposed here).
    static func product(_ t: Tensor, weight w: Tensor, rectifier y: Tensor? = nil, tangentCount k: Int = 1,
                        transposedWeight: Tensor? = nil) throws(EngineError) -> Tensor {
        let rows = t.shape[0], inputs = t.shape[1], outputs = w.shape[0]
        if t.rank == 2, w.rank == 2, inputs == w.shape[1], let entries = RowEntries(t) {
            // Rows with at most two nonzeros (the basis tangents a Jacobian starts from): each
            // output row is a combination of one or two rows of Wᵀ.
            return combinations(entries, of: try transposed(w, given: transposedWeight), rectifier: y, k: k)
        }
        guard rows >= groupRows, inputs >= 64, outputs >= 64 else { return try dense(t, w, rectifier: y, k: k) }
        let plans = self.plans(t, outputs: outputs, rectifier: y, k: k)
        let shared = SharedRows(t, tangentCount: k)
        guard shared != nil || plans.contains(where: \.isPacked) else { return try dense(t, w, rectifier: y, k: k) }

        // Wᵀ [in, out]: its rows are the columns a group packs.
        let wt = try transposed(w, given: transposedWeight)
        var layout = PackedLayout()
        for (g, plan) in plans.enumerated() {
            layout.append(plan, rows: groupRange(g, rows: rows).count, inputs: inputs, outputs: outputs, sharedRows: shared != nil)
        }
        var out = [Float](unsafeUninitializedCapacity: rows * outputs) { _, initialized in initialized = rows * outputs }
        var packedT = Scratch(layout.tCount), packedW = Scratch(layout.wCount), packedC = Scratch(layout.cCount)
        let yScalars = y?.scalars ?? []
        let sharedScalars = shared?.rows ?? []
        t.scalars.withUnsafeBufferPointer { tp in
            w.scalars.withUnsafeBufferPointer { wp in
                wt.scalars.withUnsafeBufferPointer { wtp in
                    out.withUnsafeMutableBufferPointer { op in
                        yScalars.withUnsafeBufferPointer { yp in
                            packedT.with { pt in
                                packedW.with { pw in
                                    packedC.with { pc in
                                        let operands = Operands(t: tp.baseAddress!, w: wp.baseAddress!, wt: wtp.baseAddress!,
                                                                out: op.baseAddress!, rectifier: y == nil ? nil : yp.baseAddress,
                                                                packedT: pt, packedW: pw, packedC: pc,
                                                                rows: rows, inputs: inputs, outputs: outputs, k: k)
                                        sharedScalars.withUnsafeBufferPointer { rp in
                                            operands.run(plans, layout, sharedRows: shared == nil ? nil : rp.baseAddress)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: [rows, outputs], scalars: out)
    }

    /// Wᵀ: `given` when it has the right shape, else W transposed here.
    private static func transposed(_ w: Tensor, given: Tensor?) throws(EngineError) -> Tensor {
        if let given, given.shape == [w.shape[1], w.shape[0]] { return given }
        return try w.transposed()
    }

    /// out[r] = Σ over row r's entries (j, v) of v·Wᵀ[j], rectified by y like `product`.
    private static func combinations(_ entries: RowEntries, of wt: Tensor, rectifier y: Tensor?, k: Int) -> Tensor {
        let rows = entries.rows, outputs = wt.shape[1]
        let yScalars = y?.scalars ?? []
        return wt.scalars.withUnsafeBufferPointer { wp in
            yScalars.withUnsafeBufferPointer { yp in
                Tensor(shape: [rows, outputs], count: rows * outputs) { out in
                    let (w0, gate) = (wp.baseAddress!, y == nil ? nil : yp.baseAddress)
                    Parallel.forEachChunk(rows, minimumPerChunk: max(1, Parallel.elementwiseGrain / max(1, outputs))) { range in
                        for r in range {
                            let row = out + r * outputs
                            let (j0, v0) = entries.first(of: r), (j1, v1) = entries.second(of: r)
                            if j0 < 0 {
                                row.update(repeating: 0, count: outputs)
                            } else if j1 < 0 {
                                let a = w0 + j0 * outputs
                                for o in 0..<outputs { row[o] = v0 * a[o] }
                            } else {
                                let (a, b) = (w0 + j0 * outputs, w0 + j1 * outputs)
                                for o in 0..<outputs { row[o] = v0 * a[o] + v1 * b[o] }
                            }
                        }
                        if let gate { rectify(rows: range, out, width: outputs, by: gate, k: k) }
                    }
                }
            }
        }
    }

    /// Each group's plan: its active input columns and, with a rectifier, its active units, kept
    /// where they are sparse enough to pack (groups in parallel).
    static func plans(_ t: Tensor, outputs: Int, rectifier y: Tensor?, k: Int) -> [GroupPlan] {
        let rows = t.shape[0], inputs = t.shape[1], groups = (rows + groupRows - 1) / groupRows
        var plans = [GroupPlan](repeating: GroupPlan(), count: groups)
        let yScalars = y?.scalars ?? [], points = y?.shape[0] ?? 0
        plans.withUnsafeMutableBufferPointer { pp in
            t.scalars.withUnsafeBufferPointer { tp in
                yScalars.withUnsafeBufferPointer { yp in
                    let (p0, t0, y0) = (pp.baseAddress!, tp.baseAddress!, y == nil ? nil : yp.baseAddress)
                    Parallel.forEachChunk(groups) { range in
                        for g in range {
                            let rowRange = groupRange(g, rows: rows)
                            let kept = nonzeroColumns(t0, rows: rowRange, width: inputs)
                            p0[g].inputs = packs(kept, of: inputs) ? kept : nil
                            guard let y0 else { continue }
                            let pointRange = (rowRange.lowerBound / k ..< (rowRange.upperBound - 1) / k + 1).clamped(to: 0..<points)
                            // y is a ReLU's output: its nonzero units are its positive ones
                            // (any other unit kept here is zeroed when the rows are unpacked).
                            let units = nonzeroColumns(y0, rows: pointRange, width: outputs)
                            p0[g].outputs = packs(units, of: outputs) ? units : nil
                        }
                    }
                }
            }
        }
        return plans
    }

    /// Whether a group with these active columns (out of `inputs`) takes the packed product.
    static func packs(_ columns: [Int], of inputs: Int) -> Bool {
        Double(columns.count) <= packedFraction * Double(inputs)
    }

    /// For each group of `groupRows` rows of t [R, in], the columns with a nonzero value, ascending.
    static func activeColumnsPerGroup(_ t: Tensor) -> [[Int]] {
        let rows = t.shape[0], inputs = t.count / max(1, rows)
        return t.scalars.withUnsafeBufferPointer { tp in
            stride(from: 0, to: rows, by: groupRows).map { lo in
                nonzeroColumns(tp.baseAddress!, rows: lo..<min(rows, lo + groupRows), width: inputs)
            }
        }
    }

    /// The rows of group g.
    static func groupRange(_ g: Int, rows: Int) -> Range<Int> {
        g * groupRows ..< min(rows, (g + 1) * groupRows)
    }

    /// The columns of `rows` with a nonzero value (NaN counts) in at least one row, ascending.
    private static func nonzeroColumns(_ t: UnsafePointer<Float>, rows: Range<Int>, width: Int) -> [Int] {
        var bits = [UInt32](repeating: 0, count: width)
        bits.withUnsafeMutableBufferPointer { b in
            let b0 = b.baseAddress!
            for r in rows {
                let row = t + r * width
                for c in 0..<width { b0[c] |= row[c].bitPattern }
            }
        }
        return bits.indices.filter { bits[$0] & 0x7FFF_FFFF != 0 }
    }

    /// The dense product, masked by the rectifier if there is one.
    private static func dense(_ t: Tensor, _ w: Tensor, rectifier y: Tensor?, k: Int) throws(EngineError) -> Tensor {
        var product = try Tensor.matmul(t, w, transposingB: true)
        guard let y else { return product }
        let rows = product.shape[0], width = product.shape[1]
        product.scalars.withUnsafeMutableBufferPointer { op in
            y.scalars.withUnsafeBufferPointer { yp in
                let (o0, y0) = (op.baseAddress!, yp.baseAddress!)
                Parallel.forEachChunk(rows, minimumPerChunk: max(1, Parallel.elementwiseGrain / max(1, width))) { range in
                    rectify(rows: range, o0, width: width, by: y0, k: k)
                }
            }
        }
        return product
    }

    /// out[r, u] = 0 wherever y[r / k, u] ≤ 0.
    fileprivate static func rectify(rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, width: Int,
                                    by y: UnsafePointer<Float>, k: Int) {
        for r in rows {
            let row = out + r * width, gate = y + (r / k) * width
            for u in 0..<width { row[u] = gate[u] > 0 ? row[u] : 0 }
        }
    }
}

/// The nonzero entries of a matrix whose rows have at most two, as (column, value) pairs per row
/// (column −1 for an empty slot).
struct RowEntries {
    let rows: Int
    private let columns: [Int32]
    private let values: [Float]

    /// The entries of t [R, in], or nil when some row has more than two nonzeros.
    init?(_ t: Tensor) {
        let rows = t.shape[0], width = t.count / max(1, rows)
        var columns = [Int32](repeating: -1, count: 2 * rows), values = [Float](repeating: 0, count: 2 * rows)
        let fits = t.scalars.withUnsafeBufferPointer { tp -> Bool in
            for r in 0..<rows {
                let row = tp.baseAddress! + r * width
                var found = 0
                for c in 0..<width where row[c] != 0 {
                    if found == 2 { return false }
                    columns[2 * r + found] = Int32(c)
                    values[2 * r + found] = row[c]
                    found += 1
                }
            }
            return true
        }
        guard fits else { return nil }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    func first(of r: Int) -> (Int, Float) { (Int(columns[2 * r]), values[2 * r]) }
    func second(of r: Int) -> (Int, Float) { (Int(columns[2 * r + 1]), values[2 * r + 1]) }
}

/// Tangent rows that share their values: row r of t [R, in] holds, at every column, either 0 or
/// the value of shared row r mod K (bit for bit), as the K basis tangents of a Jacobian do after
/// a rectified layer (each point keeps the units it has active, all with the same values).
struct SharedRows {
    /// The K shared rows [K, in]: each column's value where some row of that tangent is nonzero.
    let rows: [Float]

    /// The shared rows of t, or nil when some column holds two different nonzero values for the
    /// same tangent, a value is not finite, or there is a single tangent per point.
    init?(_ t: Tensor, tangentCount k: Int) {
        let count = t.shape[0], width = t.count / max(1, count)
        guard k > 1, count > k, count % k == 0 else { return nil }
        // On bit patterns, so the loop vectorises: ±0 is "no value", an all-ones exponent
        // (infinity, NaN) a conflict.
        var shared = [UInt32](repeating: 0, count: k * width)
        let consistent = t.scalars.withUnsafeBufferPointer { tp in
            shared.withUnsafeMutableBufferPointer { sp in
                for r in 0..<count {
                    let row = UnsafeRawPointer(tp.baseAddress! + r * width), full = sp.baseAddress! + (r % k) * width
                    var conflict: UInt32 = 0
                    for c in 0..<width {
                        let value = row.load(fromByteOffset: 4 * c, as: UInt32.self), held = full[c]
                        let kept = held & 0x7FFF_FFFF == 0 ? value : held
                        conflict |= (value & 0x7FFF_FFFF == 0 ? 0 : kept ^ value) | (value & 0x7F80_0000 == 0x7F80_0000 ? 1 : 0)
                        full[c] = kept
                    }
                    if conflict != 0 { return false }
                }
                return true
            }
        }
        guard consistent else { return nil }
        rows = shared.map { Float(bitPattern: $0) }
    }
}

/// Where each group's packed operands start in the three scratch buffers.
private struct PackedLayout {
    var tOffsets: [Int] = [], wOffsets: [Int] = [], cOffsets: [Int] = []
    var tCount = 0, wCount = 0, cCount = 0

    /// Reserves room for one group of `rows` rows. With shared rows (`SharedRows`) a group always
    /// packs its block of Wᵀ and never its tangent rows.
    mutating func append(_ plan: SparseTangentProduct.GroupPlan, rows: Int, inputs: Int, outputs: Int, sharedRows: Bool) {
        let depth = plan.inputs?.count ?? inputs, width = plan.outputs?.count ?? outputs
        tOffsets.append(tCount); wOffsets.append(wCount); cOffsets.append(cCount)
        if plan.inputs != nil && !sharedRows { tCount += rows * depth }
        if plan.isPacked || sharedRows { wCount += depth * width }
        if plan.outputs != nil { cCount += rows * width }
    }
}

/// The raw buffers of one packed product and the three passes over them.
private struct Operands {
    let t: UnsafePointer<Float>, w: UnsafePointer<Float>, wt: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>, rectifier: UnsafePointer<Float>?
    let packedT: UnsafeMutablePointer<Float>, packedW: UnsafeMutablePointer<Float>, packedC: UnsafeMutablePointer<Float>
    let rows: Int, inputs: Int, outputs: Int, k: Int

    /// Computes every group's rows: packs its operands, multiplies them and unpacks and rectifies
    /// the result, or, given the tangents' shared rows (`SharedRows`), takes `runShared`. Groups
    /// are independent (each writes its own rows and packed blocks): at several threads each
    /// takes a share of them, with single-threaded products (each group packs its own block of
    /// Wᵀ, so OpenBLAS's threads would share no packing; BakeOff's 1024-point Jacobian ≈ 6 %
    /// faster at 2 threads than with threaded products one group after another).
    func run(_ plans: [SparseTangentProduct.GroupPlan], _ layout: PackedLayout, sharedRows shared: UnsafePointer<Float>?) {
        Parallel.forEachShare(Parallel.shares(of: plans.count)) { _, groups in
            for g in groups {
                if let shared {
                    runShared(plans[g], group: g, layout, rows: shared)
                    continue
                }
                if plans[g].isPacked { pack(plans[g], group: g, layout) }
                multiply(plans[g], group: g, layout)
                if rectifier != nil { unpack(plans[g], group: g, layout) }
            }
        }
    }

    private func pack(_ plan: SparseTangentProduct.GroupPlan, group g: Int, _ layout: PackedLayout) {
        let lo = SparseTangentProduct.groupRange(g, rows: rows).lowerBound
        let m = SparseTangentProduct.groupRange(g, rows: rows).count
        if let columns = plan.inputs {
            let dst0 = packedT + layout.tOffsets[g]
            for r in 0..<m {
                let src = t + (lo + r) * inputs, dst = dst0 + r * columns.count
                for (j, c) in columns.enumerated() { dst[j] = src[c] }
            }
        }
        packWeight(plan, group: g, layout)
    }

    /// The group's block of Wᵀ: its input columns' rows, its units' entries.
    private func packWeight(_ plan: SparseTangentProduct.GroupPlan, group g: Int, _ layout: PackedLayout) {
        let depth = plan.inputs?.count ?? inputs, width = plan.outputs?.count ?? outputs
        let pw = packedW + layout.wOffsets[g]
        for j in 0..<depth {
            let src = wt + (plan.inputs?[j] ?? j) * outputs, dst = pw + j * width
            if let units = plan.outputs {
                for (i, u) in units.enumerated() { dst[i] = src[u] }
            } else {
                dst.update(from: src, count: outputs)
            }
        }
    }

    /// A group's product when the tangent rows share their values (`SharedRows`): each of the K
    /// shared rows times the group's block of Wᵀ once, copied to every point, minus the product
    /// of what each row lacks (the shared values at its zeros) over the few columns where some
    /// row of the group lacks one.
    private func runShared(_ plan: SparseTangentProduct.GroupPlan, group g: Int, _ layout: PackedLayout, rows shared: UnsafePointer<Float>) {
        let range = SparseTangentProduct.groupRange(g, rows: rows)
        let columns = plan.inputs ?? Array(0..<inputs)
        let depth = columns.count, width = plan.outputs?.count ?? outputs
        packWeight(plan, group: g, layout)
        let pw = UnsafePointer(packedW + layout.wOffsets[g])
        // The columns where some row of the group is zero but its shared row is not.
        var lacking = [UInt8](repeating: 0, count: depth)
        columns.withUnsafeBufferPointer { cp in
            lacking.withUnsafeMutableBufferPointer { lp in
                for r in range {
                    let row = t + r * inputs, full = shared + (r % k) * inputs
                    for j in 0..<depth {
                        let c = cp[j]
                        lp[j] |= (row[c] == 0 && full[c] != 0) ? 1 : 0
                    }
                }
            }
        }
        let lacked = lacking.indices.filter { lacking[$0] != 0 }
        // base[kk] = shared row kk (group columns) · block.
        var sharedPacked = Scratch(k * depth), base = Scratch(k * width)
        var missing = Scratch(range.count * lacked.count), lackedWeight = Scratch(lacked.count * width)
        sharedPacked.with { sp in
            base.with { bp in
                for kk in 0..<k { for (j, c) in columns.enumerated() { sp[kk * depth + j] = shared[kk * inputs + c] } }
                sgemm(transposeA: false, transposeB: false, m: k, n: width, k: depth,
                      a: sp, lda: depth, b: pw, ldb: width, c: bp, ldc: width)
                let (c0, ldc) = plan.outputs == nil ? (out + range.lowerBound * outputs, outputs)
                                                    : (packedC + layout.cOffsets[g], width)
                for (i, r) in range.enumerated() { (c0 + i * ldc).update(from: bp + (r % k) * width, count: width) }
                guard !lacked.isEmpty else { return }
                missing.with { mp in
                    lackedWeight.with { lw in
                        for (i, r) in range.enumerated() {
                            let row = t + r * inputs, full = shared + (r % k) * inputs
                            for (q, j) in lacked.enumerated() {
                                let c = columns[j]
                                mp[i * lacked.count + q] = row[c] == 0 ? full[c] : 0
                            }
                        }
                        for (q, j) in lacked.enumerated() { (lw + q * width).update(from: pw + j * width, count: width) }
                        sgemm(transposeA: false, transposeB: false, m: range.count, n: width, k: lacked.count,
                              alpha: -1, a: mp, lda: lacked.count, b: lw, ldb: width, beta: 1, c: c0, ldc: ldc)
                    }
                }
            }
        }
        unpack(plan, group: g, layout)
    }

    private func multiply(_ plan: SparseTangentProduct.GroupPlan, group g: Int, _ layout: PackedLayout) {
        let lo = SparseTangentProduct.groupRange(g, rows: rows).lowerBound
        let m = SparseTangentProduct.groupRange(g, rows: rows).count
        guard plan.isPacked else {
            sgemm(transposeA: false, transposeB: true, m: m, n: outputs, k: inputs,
                  a: t + lo * inputs, lda: inputs, b: w, ldb: inputs, c: out + lo * outputs, ldc: outputs)
            return
        }
        let depth = plan.inputs?.count ?? inputs, width = plan.outputs?.count ?? outputs
        let a = plan.inputs == nil ? t + lo * inputs : UnsafePointer(packedT + layout.tOffsets[g])
        let c = plan.outputs == nil ? out + lo * outputs : packedC + layout.cOffsets[g]
        sgemm(transposeA: false, transposeB: false, m: m, n: width, k: depth,
              a: a, lda: plan.inputs == nil ? inputs : depth, b: packedW + layout.wOffsets[g], ldb: width,
              c: c, ldc: plan.outputs == nil ? outputs : width)
    }

    /// Writes a group's packed result back into its rows, zero at the units the rectifier drops.
    private func unpack(_ plan: SparseTangentProduct.GroupPlan, group g: Int, _ layout: PackedLayout) {
        guard let y = rectifier else { return }
        let range = SparseTangentProduct.groupRange(g, rows: rows)
        guard let units = plan.outputs else {
            SparseTangentProduct.rectify(rows: range, out, width: outputs, by: y, k: k)
            return
        }
        let packed = packedC + layout.cOffsets[g]
        for r in range {
            let row = out + r * outputs, gate = y + (r / k) * outputs
            let source = packed + (r - range.lowerBound) * units.count
            row.update(repeating: 0, count: outputs)
            for (i, u) in units.enumerated() where gate[u] > 0 { row[u] = source[i] }
        }
    }
}
