/// Forward-mode tangents T [R, in] times a weight matrix W [out, in] transposed, T·Wᵀ, skipping
/// the input features whose tangents are zero in every row of a group of rows.
///
/// After a ReLU the tangent of an inactive unit is exactly zero, and points close together (a
/// latent path) share most of their inactive units, so a group of rows often touches only a
/// fraction of W's columns. Each group of `groupRows` rows multiplies only its active columns
/// (packed, with the matching rows of Wᵀ); groups with few zero columns, and inputs too small to
/// gain, take the dense product. Skipped terms are exact zeros, so the result equals the dense
/// product up to the order of summation (weights are finite).
enum SparseTangentProduct {
    /// Rows per group (16 points of 16 tangents). Measured on a trained AutoEncoderBakeOff path
    /// against 128, 512 and 1024: smaller groups pack Wᵀ more often, larger ones multiply the
    /// union of more points' active units.
    static let groupRows = 256
    /// A group is packed when at most this fraction of its columns is active.
    static let packedFraction = 0.75

    /// T·Wᵀ for t [R, in] and w [out, in], packed where a group's zero columns pay for it.
    static func product(_ t: Tensor, weight w: Tensor) throws(EngineError) -> Tensor {
        let rows = t.shape[0], inputs = t.shape[1], outputs = w.shape[0]
        guard rows >= groupRows, inputs >= 64, outputs >= 64 else {
            return try Tensor.matmul(t, w, transposingB: true)
        }
        let groups = (rows + groupRows - 1) / groupRows
        let active = activeColumnsPerGroup(t)
        guard active.contains(where: { packs($0, of: inputs) }) else { return try Tensor.matmul(t, w, transposingB: true) }

        let wt = try w.transposed()  // [in, out]: its rows are the columns a group packs
        // Every packed group's operands are laid out first, in parallel over groups, so the
        // products then run back to back (OpenBLAS's workers stay awake between them).
        var packedTOffsets: [Int] = [], packedWOffsets: [Int] = []
        var packedTCount = 0, packedWCount = 0
        for (g, columns) in active.enumerated() {
            packedTOffsets.append(packedTCount)
            packedWOffsets.append(packedWCount)
            guard packs(columns, of: inputs) else { continue }
            packedTCount += (min(rows, (g + 1) * groupRows) - g * groupRows) * columns.count
            packedWCount += columns.count * outputs
        }
        var out = [Float](unsafeUninitializedCapacity: rows * outputs) { _, initialized in initialized = rows * outputs }
        var packedT = [Float](unsafeUninitializedCapacity: packedTCount) { _, initialized in initialized = packedTCount }
        var packedW = [Float](unsafeUninitializedCapacity: packedWCount) { _, initialized in initialized = packedWCount }
        t.scalars.withUnsafeBufferPointer { tp in
            w.scalars.withUnsafeBufferPointer { wp in
                wt.scalars.withUnsafeBufferPointer { wtp in
                    out.withUnsafeMutableBufferPointer { op in
                        packedT.withUnsafeMutableBufferPointer { ptp in
                            packedW.withUnsafeMutableBufferPointer { pwp in
                                let (t0, w0, wt0, o0) = (tp.baseAddress!, wp.baseAddress!, wtp.baseAddress!, op.baseAddress!)
                                let (pt0, pw0) = (ptp.baseAddress, pwp.baseAddress)
                                Parallel.forEachChunk(groups) { range in
                                    for g in range where packs(active[g], of: inputs) {
                                        let lo = g * groupRows, m = min(rows, lo + groupRows) - lo
                                        let columns = active[g], k = columns.count
                                        guard k > 0, let pt0, let pw0 else { continue }
                                        let pt = pt0 + packedTOffsets[g], pw = pw0 + packedWOffsets[g]
                                        columns.withUnsafeBufferPointer { cp in
                                            for r in 0..<m {
                                                let src = t0 + (lo + r) * inputs, dst = pt + r * k
                                                for j in 0..<k { dst[j] = src[cp[j]] }
                                            }
                                            for j in 0..<k {
                                                (pw + j * outputs).update(from: wt0 + cp[j] * outputs, count: outputs)
                                            }
                                        }
                                    }
                                }
                                for g in 0..<groups {
                                    let lo = g * groupRows, m = min(rows, lo + groupRows) - lo
                                    let k = active[g].count
                                    if !packs(active[g], of: inputs) {
                                        sgemm(transposeA: false, transposeB: true, m: m, n: outputs, k: inputs,
                                              a: t0 + lo * inputs, lda: inputs, b: w0, ldb: inputs,
                                              c: o0 + lo * outputs, ldc: outputs)
                                    } else if k == 0 {
                                        (o0 + lo * outputs).update(repeating: 0, count: m * outputs)
                                    } else if let pt0, let pw0 {
                                        sgemm(transposeA: false, transposeB: false, m: m, n: outputs, k: k,
                                              a: pt0 + packedTOffsets[g], lda: k, b: pw0 + packedWOffsets[g], ldb: outputs,
                                              c: o0 + lo * outputs, ldc: outputs)
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

    /// Whether a group with these active columns (out of `inputs`) takes the packed product.
    static func packs(_ columns: [Int], of inputs: Int) -> Bool {
        Double(columns.count) <= packedFraction * Double(inputs)
    }

    /// For each group of `groupRows` rows of t [R, in], the columns with a nonzero value, ascending.
    static func activeColumnsPerGroup(_ t: Tensor) -> [[Int]] {
        let rows = t.shape[0], inputs = t.count / max(1, rows)
        return t.scalars.withUnsafeBufferPointer { tp in
            stride(from: 0, to: rows, by: groupRows).map { lo in
                activeColumns(tp.baseAddress!, rows: lo..<min(rows, lo + groupRows), width: inputs)
            }
        }
    }

    /// The columns of `rows` that hold a nonzero value in at least one row, ascending.
    private static func activeColumns(_ t: UnsafePointer<Float>, rows: Range<Int>, width: Int) -> [Int] {
        var seen = [UInt8](repeating: 0, count: width)
        seen.withUnsafeMutableBufferPointer { flags in
            let f = flags.baseAddress!
            for r in rows {
                let row = t + r * width
                for c in 0..<width { f[c] |= row[c] != 0 ? 1 : 0 }
            }
        }
        return seen.indices.filter { seen[$0] != 0 }
    }
}
