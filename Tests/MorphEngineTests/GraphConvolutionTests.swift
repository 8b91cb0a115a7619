import Testing
@testable import MorphEngine

@Suite struct GraphConvolutionTests {
    /// graphConv on the pixel grid (positions, padding ring, kernel anchors) against conv2d.
    func gridMatchesConv(height: Int, width: Int, kernel: Int, stride: Int, padding: Int) throws {
        let x = try normal([2, 3, height, width], seed: 1)
        let w = try normal([4, 3, kernel, kernel], seed: 2, scale: 0.3)
        let b = try normal([4], seed: 3)
        let conv = try conv2d(Variable(x), weight: Variable(w), bias: Variable(b), stride: stride, padding: padding).value
        let sources = try GridPositions.pixels(height: height, width: width, padding: padding)
        let targets = try GridPositions.windowCentres(height: height, width: width, kernel: kernel, stride: stride, padding: padding)
        let neighbours = try NodeNeighbours(targets: targets, sources: sources, count: kernel * kernel)
        let graph = try graphConv(Variable(Tensor(shape: [2, 3, height * width], scalars: x.scalars)),
                                  weight: Variable(Tensor(shape: [4, 3, kernel * kernel], scalars: w.scalars)),
                                  bias: Variable(b), sources: Variable(sources), targets: Variable(targets),
                                  neighbours: neighbours, anchors: try GridPositions.kernelAnchors(size: kernel)).value
        #expect(graph.count == conv.count)
        let worst = zip(graph.scalars, conv.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "graph convolution vs conv2d (kernel \(kernel), stride \(stride)): max difference \(worst)")
    }

    @Test func onThePixelGridItIsAConvolution() throws {
        try gridMatchesConv(height: 6, width: 5, kernel: 3, stride: 1, padding: 1)
        try gridMatchesConv(height: 6, width: 6, kernel: 4, stride: 2, padding: 1)
        try gridMatchesConv(height: 7, width: 5, kernel: 5, stride: 1, padding: 2)
    }

    @Test func neighboursOfAPixelAreItsWindow() throws {
        let sources = try GridPositions.pixels(height: 4, width: 4, padding: 1)
        let neighbours = try NodeNeighbours(targets: GridPositions.pixels(height: 4, width: 4), sources: sources, count: 9)
        // Pixel (1, 2) = node 6: itself, then the four at distance 1 (by offset), then the diagonals.
        #expect(Array(neighbours.neighbours(of: 6)) == [6, 2, 5, 7, 10, 1, 3, 9, 11])
        #expect(throws: EngineError.self) { try NodeNeighbours(targets: sources, sources: sources, count: sources.shape[0] + 1) }
    }

    /// Renumbering the source nodes (their positions and values alike) changes nothing.
    @Test func theResultDoesNotDependOnNodeOrder() throws {
        let h = 5, w = 5, s = h * w
        let plain = try GridPositions.pixels(height: h, width: w, padding: 1)
        let padding = plain.shape[0] - s
        var g = RandomGenerator(seed: 4)
        let order = g.permutation(s)
        let x = try normal([2, 2, s], seed: 5)
        var shuffledX = x.scalars, shuffledP = plain.scalars
        for n in 0..<4 { for (new, old) in order.enumerated() { shuffledX[n * s + new] = x.scalars[n * s + old] } }
        for (new, old) in order.enumerated() { shuffledP[2 * new] = plain.scalars[2 * old]; shuffledP[2 * new + 1] = plain.scalars[2 * old + 1] }
        let weight = try normal([3, 2, 9], seed: 6), anchors = try GridPositions.kernelAnchors(size: 3)
        func run(_ x: Tensor, _ p: Tensor) throws -> Tensor {
            let n = try NodeNeighbours(targets: p.samples(0..<s), sources: p, count: 9)
            return try graphConv(Variable(x), weight: Variable(weight), bias: nil, sources: Variable(p),
                                 targets: Variable(p.samples(0..<s)), neighbours: n, anchors: anchors).value
        }
        let a = try run(x, plain)
        let b = try run(Tensor(shape: x.shape, scalars: shuffledX), Tensor(shape: [s + padding, 2], scalars: shuffledP))
        for n in 0..<6 { for (new, old) in order.enumerated() {
            #expect(b.scalars[n * s + new] == a.scalars[n * s + old])
        } }
    }

    /// Gradients for the values, weights, bias and both position sets, and forward mode, against
    /// finite differences; positions jittered off the grid so no tent weight sits on a kink.
    @Test func gradientsAgainstFiniteDifferences() throws {
        let h = 4, w = 3, s = h * w
        var p = try GridPositions.pixels(height: h, width: w, padding: 1)
        var q = try GridPositions.pixels(height: h, width: w)
        var g = RandomGenerator(seed: 8)
        for i in 0..<p.count { p.scalars[i] += 0.2 + 0.1 * g.nextFloat() }
        for i in 0..<q.count { q.scalars[i] += 0.1 * g.nextFloat() }
        let neighbours = try NodeNeighbours(targets: q, sources: p, count: 9)
        let anchors = try GridPositions.kernelAnchors(size: 3)
        try GradientCheck(epsilon: 1e-2, tolerance: 2e-2).check(
            "graph_conv", [try normal([2, 2, s], seed: 9), try normal([3, 2, 9], seed: 10, scale: 0.5), p, q, try normal([3], seed: 11)]
        ) { v in
            try graphConv(v[0], weight: v[1], bias: v[4], sources: v[2], targets: v[3], neighbours: neighbours, anchors: anchors)
        }
    }
}
