/// Positions for the pixels of a modality recovered from data alone (after Le Roux et al.,
/// "Learning the 2-D Topology of Images", 2007): pixels that vary together lie close.
///
/// The distance between two pixels is that of their standardised columns, √(2 − 2ρ) for
/// correlation ρ; distances along a graph of each pixel's nearest pixels (geodesics, as in
/// Isomap) are laid out in `dimensions` dimensions by classical multidimensional scaling. Each
/// axis is oriented by the sign of its third moment and the layout is scaled so the median
/// distance from a pixel to its nearest other pixel is 1 (a grid's spacing). Nothing depends on
/// where a pixel sits in the image, so a shuffle of the pixels shuffles the result the same way
/// (up to rounding and ties between equal distances).
public enum CorrelationEmbedding {
    /// Positions [D, dimensions] for the D pixels of `images` [N, D], from at most `sampleLimit`
    /// images (the first ones) and a graph of each pixel's `neighbours` nearest.
    public static func positions(of images: Tensor, dimensions: Int = 2, neighbours: Int = 8,
                                 sampleLimit: Int = 10_000) throws(EngineError) -> Tensor {
        guard images.rank == 2, images.shape[0] >= 2, images.shape[1] >= 3 else {
            throw .invalidArgument("correlation embedding: needs images [N ≥ 2, pixels ≥ 3], got \(images.shape)")
        }
        let n = min(images.shape[0], max(2, sampleLimit)), d = images.shape[1]
        guard d <= 4096 else {
            throw .invalidArgument("correlation embedding: \(d) pixels is more than the 4096 it lays out (its distance tables grow as pixels²)")
        }
        guard dimensions >= 1, dimensions < d, neighbours >= 1, neighbours < d else {
            throw .invalidArgument("correlation embedding: needs 1 ≤ dimensions < \(d) and 1 ≤ neighbours < \(d), got \(dimensions) and \(neighbours)")
        }
        guard images.scalars[0..<(n * d)].allSatisfy(\.isFinite) else {
            throw .invalidArgument("correlation embedding: the images hold NaN or infinite values")
        }
        let correlation = try correlations(images, samples: n)
        let graph = nearestGraph(correlation, pixels: d, neighbours: neighbours)
        let geodesic = geodesicDistances(graph, pixels: d)
        var layout = try classicalScaling(geodesic, pixels: d, dimensions: dimensions)
        orientAndScale(&layout, pixels: d, dimensions: dimensions)
        return try Tensor(shape: [d, dimensions], scalars: layout.map(Float.init))
    }

    /// The D×D correlation matrix of the first `samples` rows (0 for a pixel that never varies).
    static func correlations(_ images: Tensor, samples n: Int) throws(EngineError) -> [Float] {
        let d = images.shape[1]
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(images.scalars[i * d + j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        for i in 0..<n { for j in 0..<d { let v = Double(images.scalars[i * d + j]) - mean[j]; scale[j] += v * v } }
        for j in 0..<d { scale[j] = scale[j] > 1e-12 ? 1 / (scale[j]).squareRoot() : 0 }
        var standard = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { standard[i * d + j] = Float((Double(images.scalars[i * d + j]) - mean[j]) * scale[j]) } }
        var c = [Float](repeating: 0, count: d * d)
        standard.withUnsafeBufferPointer { s in
            c.withUnsafeMutableBufferPointer { out in
                sgemm(transposeA: true, transposeB: false, m: d, n: d, k: n, a: s.baseAddress!, lda: d,
                      b: s.baseAddress!, ldb: d, c: out.baseAddress!, ldc: d)
            }
        }
        return c
    }

    /// Each pixel's `neighbours` nearest by √(2 − 2ρ), made symmetric: adjacency lists with lengths.
    static func nearestGraph(_ c: [Float], pixels d: Int, neighbours k: Int) -> [[(node: Int, length: Double)]] {
        var edges = [[(node: Int, length: Double)]](repeating: [], count: d)
        for i in 0..<d {
            let distances = (0..<d).map { j in (j, (max(0, 2 - 2 * Double(c[i * d + j]))).squareRoot()) }
            let nearest = distances.filter { $0.0 != i }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(k)
            for (j, length) in nearest {
                if !edges[i].contains(where: { $0.node == j }) { edges[i].append((j, length)) }
                if !edges[j].contains(where: { $0.node == i }) { edges[j].append((i, length)) }
            }
        }
        return edges
    }

    /// Shortest-path lengths between all pixels (Dijkstra from each); pixels the graph does not
    /// connect are put at twice the longest connected distance.
    static func geodesicDistances(_ edges: [[(node: Int, length: Double)]], pixels d: Int) -> [Double] {
        var g = [Double](repeating: .infinity, count: d * d)
        for source in 0..<d {
            var heap = MinimumHeap()
            g[source * d + source] = 0
            heap.push(0, source)
            while let (distance, node) = heap.pop() {
                if distance > g[source * d + node] { continue }
                for edge in edges[node] where distance + edge.length < g[source * d + edge.node] {
                    g[source * d + edge.node] = distance + edge.length
                    heap.push(distance + edge.length, edge.node)
                }
            }
        }
        let longest = g.filter(\.isFinite).max() ?? 1
        return g.map { $0.isFinite ? $0 : 2 * longest }
    }

    /// Classical MDS: the top `dimensions` eigenvectors of −½ J G² J, scaled by √λ: [D · dimensions].
    static func classicalScaling(_ g: [Double], pixels d: Int, dimensions: Int) throws(EngineError) -> [Double] {
        var b = g.map { -0.5 * $0 * $0 }
        var rowMean = [Double](repeating: 0, count: d)
        for i in 0..<d { for j in 0..<d { rowMean[i] += b[i * d + j] } }
        for i in 0..<d { rowMean[i] /= Double(d) }
        let total = rowMean.reduce(0, +) / Double(d)
        for i in 0..<d { for j in 0..<d { b[i * d + j] += total - rowMean[i] - rowMean[j] } }
        let (values, vectors) = try symmetricEigen(b, n: d)
        var layout = [Double](repeating: 0, count: d * dimensions)
        for axis in 0..<dimensions {
            let column = d - 1 - axis, scale = max(0, values[column]).squareRoot()
            for i in 0..<d { layout[i * dimensions + axis] = vectors[i * d + column] * scale }
        }
        return layout
    }

    /// Each axis pointing where its third moment is positive; the median nearest-other distance 1.
    static func orientAndScale(_ layout: inout [Double], pixels d: Int, dimensions: Int) {
        for axis in 0..<dimensions {
            let skew = (0..<d).reduce(0.0) { $0 + pow3(layout[$1 * dimensions + axis]) }
            if skew < 0 { for i in 0..<d { layout[i * dimensions + axis] = -layout[i * dimensions + axis] } }
        }
        var nearest = [Double](repeating: .infinity, count: d)
        for i in 0..<d {
            for j in 0..<d where j != i {
                var s = 0.0
                for a in 0..<dimensions { let v = layout[i * dimensions + a] - layout[j * dimensions + a]; s += v * v }
                nearest[i] = min(nearest[i], s.squareRoot())
            }
        }
        let median = nearest.sorted()[d / 2]
        if median > 0 && median.isFinite { layout = layout.map { $0 / median } }
    }

    private static func pow3(_ x: Double) -> Double { x * x * x }
}

/// A binary min-heap of (priority, node) for Dijkstra.
private struct MinimumHeap {
    private var items: [(Double, Int)] = []

    mutating func push(_ priority: Double, _ node: Int) {
        items.append((priority, node))
        var i = items.count - 1
        while i > 0, items[(i - 1) / 2].0 > items[i].0 {
            items.swapAt(i, (i - 1) / 2)
            i = (i - 1) / 2
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        items[0] = items[items.count - 1]
        items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < items.count, items[l].0 < items[smallest].0 { smallest = l }
            if r < items.count, items[r].0 < items[smallest].0 { smallest = r }
            if smallest == i { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return top
    }
}
