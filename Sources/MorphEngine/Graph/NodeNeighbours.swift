/// For every target node, its k nearest source nodes in an embedding space: the computation graph
/// of a graph convolution.
///
/// Nearness is squared Euclidean distance; among sources at the same distance the one whose
/// offset from the target comes first lexicographically wins, so the table depends on the
/// positions alone, not on the order the nodes are numbered in (only sources at one and the
/// same position fall back to their index). Selection is piecewise constant in the positions:
/// a layer recomputes it when its embedding moves.
public struct NodeNeighbours: Equatable, Sendable {
    /// Neighbours per target node.
    public let count: Int
    /// Target nodes.
    public let targets: Int
    /// Source indices, `count` per target, nearest first: [targets · count].
    public let indices: [Int32]

    /// The `count` nearest of `sources` [S, d] to each of `targets` [T, d].
    public init(targets: Tensor, sources: Tensor, count: Int) throws(EngineError) {
        guard targets.rank == 2, sources.rank == 2, targets.shape[1] == sources.shape[1], targets.shape[1] > 0 else {
            throw .shapeMismatch(operation: "neighbours (target and source positions [nodes, dimensions])",
                                 lhs: targets.shape, rhs: sources.shape)
        }
        let t = targets.shape[0], s = sources.shape[0], d = targets.shape[1]
        guard count > 0, count <= s else {
            throw .invalidArgument("neighbours: asked for \(count) neighbours among \(s) source nodes; choose 1…\(s)")
        }
        guard s <= Int(Int32.max) else { throw .invalidArgument("neighbours: \(s) source nodes is too many") }
        guard targets.scalars.allSatisfy(\.isFinite), sources.scalars.allSatisfy(\.isFinite) else {
            throw .invalidArgument("neighbours: node positions must be finite")
        }
        var table = [Int32](repeating: 0, count: t * count)
        let p = sources.scalars, q = targets.scalars
        table.withUnsafeMutableBufferPointer { out in
            let table = out.baseAddress!
            Parallel.forEachChunk(t, minimumPerChunk: 16) { rows in
                var candidates = [(distance: Float, index: Int)](repeating: (0, 0), count: s)
                for i in rows {
                    for j in 0..<s {
                        var sum: Float = 0
                        for k in 0..<d { let delta = p[j * d + k] - q[i * d + k]; sum += delta * delta }
                        candidates[j] = (sum, j)
                    }
                    func precedes(_ a: (distance: Float, index: Int), _ b: (distance: Float, index: Int)) -> Bool {
                        if a.distance != b.distance { return a.distance < b.distance }
                        for k in 0..<d where p[a.index * d + k] != p[b.index * d + k] {
                            return p[a.index * d + k] < p[b.index * d + k]
                        }
                        return a.index < b.index
                    }
                    // A partial selection: the first `count` in order, the rest unordered.
                    for slot in 0..<count {
                        var best = slot
                        for j in (slot + 1)..<s where precedes(candidates[j], candidates[best]) { best = j }
                        candidates.swapAt(slot, best)
                        table[i * count + slot] = Int32(truncatingIfNeeded: candidates[slot].index)
                    }
                }
            }
        }
        self.count = count
        self.targets = t
        self.indices = table
    }

    /// The sources of target `node`, nearest first.
    public func neighbours(of node: Int) -> ArraySlice<Int32> {
        indices[(node * count)..<((node + 1) * count)]
    }
}
