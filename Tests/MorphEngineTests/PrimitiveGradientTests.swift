import Testing
@testable import MorphEngine

@Suite("Primitive ops: VJP and JVP against finite differences and each other")
struct PrimitiveGradientTests {
    let check = GradientCheck()

    @Test func elementwiseUnary() throws {
        let x = try normal([3, 4], seed: 1)
        try check.check("relu", [x]) { try $0[0].relu() }
        try check.check("leakyRelu", [x]) { try $0[0].leakyRelu(slope: 0.1) }
        try check.check("sigmoid", [x]) { try $0[0].sigmoid() }
        try check.check("tanh", [x]) { try $0[0].tanh() }
        try check.check("exp", [x]) { try $0[0].exp() }
        try check.check("square", [x]) { try $0[0].squared() }
        try check.check("scale", [x]) { try $0[0].scaled(by: -1.5) }
        try check.check("shift", [x]) { try $0[0].shifted(by: 2) }
        let positive = try uniform([3, 4], seed: 2, low: 0.5, high: 2)
        try check.check("log", [positive]) { try $0[0].log() }
    }

    @Test func binaryWithBroadcasting() throws {
        let a = try normal([3, 4], seed: 3), b = try normal([3, 4], seed: 4), bias = try normal([4], seed: 5)
        try check.check("add", [a, b]) { try $0[0] + $0[1] }
        try check.check("subtract", [a, b]) { try $0[0] - $0[1] }
        try check.check("multiply", [a, b]) { try $0[0] * $0[1] }
        try check.check("multiply tangent in second", [a, b], tangentInput: 1) { try $0[0] * $0[1] }
        try check.check("add broadcast", [a, bias]) { try $0[0] + $0[1] }
        try check.check("multiply broadcast", [a, bias]) { try $0[0] * $0[1] }
    }

    @Test func reductionsAndShapes() throws {
        let x = try normal([3, 2, 2], seed: 6)
        try check.check("sum", [x]) { try $0[0].sum() }
        let y = try normal([3, 2, 2], seed: 60)
        try check.check("squared error sum", [x, y]) { try Variable.apply(SquaredErrorSum(), [$0[0], $0[1]]) }
        try check.check("squared error sum (second)", [x, y], tangentInput: 1) { try Variable.apply(SquaredErrorSum(), [$0[0], $0[1]]) }
        try check.check("mean", [x]) { try $0[0].mean() }
        try check.check("sumPerSample", [x]) { try $0[0].sumPerSample() }
        try check.check("reshape", [x]) { try $0[0].reshaped(toSample: [4]).squared() }
        try check.check("flatten", [x]) { try $0[0].flattened().sigmoid() }
        let m = try normal([3, 5], seed: 7)
        try check.check("columns", [m]) { try $0[0].columns(1..<4).squared() }
        try check.check("gather", [m]) { try $0[0].samples(at: [2, 0, 2]).squared() }
        try check.check("softmax", [m]) { try $0[0].softmax() }
    }

    @Test func linear() throws {
        let x = try normal([3, 5], seed: 8), w = try normal([4, 5], seed: 9), b = try normal([4], seed: 10)
        try check.check("linear", [x, w, b]) { try MorphEngine.linear($0[0], weight: $0[1], bias: $0[2]) }
        try check.check("linear no bias", [x, w]) { try MorphEngine.linear($0[0], weight: $0[1], bias: nil) }
        try check.check("rectified linear", [x, w, b]) { try MorphEngine.rectifiedLinear($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func rectifiedLinearEqualsLinearThenReLU() throws {
        // Values, tangents (K = 3) and gradients of the fused operation against the two steps.
        let x = try normal([6, 5], seed: 21), w = try normal([4, 5], seed: 22), b = try normal([4], seed: 23)
        let t = try normal([18, 5], seed: 24)
        let fused = try MorphEngine.rectifiedLinear(Variable(x, tangent: t, count: 3), weight: Variable(w), bias: Variable(b))
        let steps = try MorphEngine.linear(Variable(x, tangent: t, count: 3), weight: Variable(w), bias: Variable(b)).relu()
        #expect(fused.value.scalars.contains(0) && fused.value.scalars.contains { $0 > 0 }, "both sides of the kink")
        #expect(fused.value == steps.value)
        #expect(fused.tangent == steps.tangent)
        func gradients(_ body: (Variable, Variable, Variable) throws(EngineError) -> Variable) throws -> [Tensor] {
            let tape = Tape()
            let (xv, wv, bv) = (tape.input(x), tape.input(w), tape.input(b))
            return try tape.backward(from: body(xv, wv, bv).squared().sum(), inputs: [xv, wv, bv])
        }
        let viaFused = try gradients { x, w, b throws(EngineError) in try MorphEngine.rectifiedLinear(x, weight: w, bias: b) }
        let viaSteps = try gradients { x, w, b throws(EngineError) in try MorphEngine.linear(x, weight: w, bias: b).relu() }
        #expect(viaFused == viaSteps)
    }

    @Test func conv2d() throws {
        let x = try normal([2, 2, 5, 5], seed: 11), w = try normal([3, 2, 3, 3], seed: 12, scale: 0.5)
        let b = try normal([3], seed: 13)
        try check.check("conv2d s2 p1", [x, w, b]) { try MorphEngine.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1) }
        try check.check("conv2d s1 p0", [x, w, b]) { try MorphEngine.conv2d($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func convTranspose2d() throws {
        let x = try normal([2, 3, 3, 3], seed: 14), w = try normal([3, 2, 4, 4], seed: 15, scale: 0.5)
        let b = try normal([2], seed: 16)
        try check.check("conv_transpose2d k4 s2 p1", [x, w, b]) {
            try MorphEngine.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        let w3 = try normal([3, 2, 3, 3], seed: 17, scale: 0.5)
        try check.check("conv_transpose2d k3 s2 p1", [x, w3, b]) {
            try MorphEngine.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        try check.check("conv_transpose2d k3 s2 p1 output padding 1", [x, w3, b]) {
            try MorphEngine.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1)
        }
    }

    @Test func convolutionsSplitIntoChunksEqualOneSampleAtATime() throws {
        // 180 samples: their columns (over a million floats) are processed in several chunks,
        // with the gradient read in column ranges; one sample at a time never chunks.
        let n = 180
        let x = try normal([n, 8, 14, 14], seed: 40), w = try normal([8, 8, 4, 4], seed: 41, scale: 0.3)
        let b = try normal([8], seed: 42)
        let ops: [(String, (Variable, Variable, Variable) throws(EngineError) -> Variable)] = [
            ("conv2d", { x, w, b throws(EngineError) in try MorphEngine.conv2d(x, weight: w, bias: b, stride: 2, padding: 1) }),
            ("conv_transpose2d", { x, w, b throws(EngineError) in try MorphEngine.convTranspose2d(x, weight: w, bias: b, stride: 2, padding: 1) }),
        ]
        for (name, op) in ops {
            let u = try normal(op(Variable(x), Variable(w), Variable(b)).value.shape, seed: 43)
            func gradients(_ range: Range<Int>) throws -> (y: Tensor, grads: [Tensor]) {
                let tape = Tape()
                let (xv, wv, bv) = (tape.input(try x.samples(range)), tape.input(w), tape.input(b))
                let y = try op(xv, wv, bv)
                let grads = try tape.backward(from: (y * Variable(u.samples(range))).sum(), inputs: [xv, wv, bv])
                return (y.value, grads)
            }
            let whole = try gradients(0..<n)
            var y: [Float] = [], dx: [Float] = []
            var dw = [Double](repeating: 0, count: w.count)
            for s in 0..<n {
                let one = try gradients(s..<s + 1)
                y += one.y.scalars
                dx += one.grads[0].scalars
                for i in dw.indices { dw[i] += Double(one.grads[1].scalars[i]) }
            }
            #expect(GradientCheck.relativeError(whole.y.scalars, y, floor: 0) < 1e-5, "\(name) values")
            #expect(GradientCheck.relativeError(whole.grads[0].scalars, dx, floor: 0) < 1e-5, "\(name) input gradient")
            #expect(GradientCheck.relativeError(whole.grads[1].scalars, dw.map { Float($0) }, floor: 0) < 1e-4, "\(name) weight gradient")
        }
    }

    /// A convolution's values, x̄ and W̄ against sums computed in Double.
    private func expectDirectSums(_ y: Tensor, _ grads: [Tensor?], _ yRef: [Double], _ dxRef: [Double], _ dwRef: [Double],
                                  _ label: String) throws {
        #expect(GradientCheck.relativeError(y.scalars, yRef.map { Float($0) }, floor: 0) < 1e-5, "\(label) values")
        #expect(GradientCheck.relativeError(try #require(grads[0]).scalars, dxRef.map { Float($0) }, floor: 0) < 1e-5, "\(label) x̄")
        #expect(GradientCheck.relativeError(try #require(grads[1]).scalars, dwRef.map { Float($0) }, floor: 0) < 1e-5, "\(label) W̄")
    }

    @Test func convolutionsEqualADirectSumInDouble() throws {
        // Widths below, at and above eight pixels (the phase split's vector path), odd and even;
        // strides 1–3; one input channel (column rows split by sample) and several (by channel);
        // a batch of 13 that takes several column chunks and a shorter last one (64 KB budget).
        let cases: [([Int], [Int], Int, Int)] = [
            ([2, 1, 28, 28], [3, 1, 4, 4], 2, 1), ([3, 5, 14, 14], [4, 5, 4, 4], 2, 1), ([2, 3, 9, 11], [2, 3, 3, 3], 2, 1),
            ([2, 2, 13, 16], [3, 2, 5, 5], 3, 2), ([2, 2, 10, 10], [2, 2, 3, 3], 1, 1), ([1, 2, 8, 8], [2, 2, 2, 2], 2, 0),
            ([13, 5, 14, 14], [4, 5, 4, 4], 2, 1),
        ]
        for (seed, (xShape, wShape, stride, padding)) in cases.enumerated() {
            let x = try normal(xShape, seed: UInt64(120 + seed)), w = try normal(wShape, seed: UInt64(130 + seed))
            let b = try normal([wShape[0]], seed: UInt64(140 + seed))
            let label = "x \(xShape), w \(wShape), s\(stride) p\(padding)"
            let (n, c, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
            let (o, kh, kw) = (wShape[0], wShape[2], wShape[3])
            let oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1
            let op = Conv2dOp(stride: stride, padding: padding)
            let y = try op.forward([x, w, b])
            let gy = try normal(y.shape, seed: UInt64(150 + seed))
            let grads = try op.vjp([x, w, b], y, gy, [true, true, true])
            var yRef = [Double](repeating: 0, count: n * o * oh * ow)
            var dxRef = [Double](repeating: 0, count: x.count), dwRef = [Double](repeating: 0, count: w.count)
            for s in 0..<n { for oc in 0..<o { for i in 0..<oh { for j in 0..<ow {
                let out = ((s * o + oc) * oh + i) * ow + j
                yRef[out] = Double(b.scalars[oc])
                for ic in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
                    let yy = i * stride - padding + ki, xx = j * stride - padding + kj
                    guard (0..<h).contains(yy), (0..<wd).contains(xx) else { continue }
                    let xi = ((s * c + ic) * h + yy) * wd + xx, wi = ((oc * c + ic) * kh + ki) * kw + kj
                    yRef[out] += Double(w.scalars[wi]) * Double(x.scalars[xi])
                    dxRef[xi] += Double(w.scalars[wi]) * Double(gy.scalars[out])
                    dwRef[wi] += Double(x.scalars[xi]) * Double(gy.scalars[out])
                } } }
            } } } }
            #expect(y.shape == [n, o, oh, ow], "\(label) shape")
            try expectDirectSums(y, grads, yRef, dxRef, dwRef, label)
        }
    }

    @Test func transposedConvolutionsEqualADirectSumInDouble() throws {
        // (x shape, weight [Ci, Co, kh, kw], stride, padding): the sub-pixel form (Ci ≤ Co) and
        // col2im (Ci > Co), each with batches that take several column chunks (64 KB budget).
        // The last two add output padding (one extra row and column, beyond the padding in the second).
        let cases: [([Int], [Int], Int, Int, Int)] = [
            ([9, 4, 7, 7], [4, 5, 4, 4], 2, 1, 0), ([6, 8, 14, 14], [8, 4, 4, 4], 2, 1, 0), ([3, 5, 4, 5], [5, 2, 3, 3], 2, 1, 0),
            ([4, 3, 4, 4], [3, 5, 3, 3], 2, 1, 1), ([2, 4, 5, 6], [4, 3, 3, 3], 3, 0, 2),
        ]
        for (seed, (xShape, wShape, stride, padding, outputPadding)) in cases.enumerated() {
            let x = try normal(xShape, seed: UInt64(170 + seed)), w = try normal(wShape, seed: UInt64(180 + seed))
            let b = try normal([wShape[1]], seed: UInt64(190 + seed))
            let label = "x \(xShape), w \(wShape), s\(stride) p\(padding) op\(outputPadding)"
            let (n, ci, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
            let (co, kh, kw) = (wShape[1], wShape[2], wShape[3])
            let oh = (h - 1) * stride - 2 * padding + kh + outputPadding, ow = (wd - 1) * stride - 2 * padding + kw + outputPadding
            let op = ConvTranspose2dOp(stride: stride, padding: padding, outputPadding: outputPadding)
            let y = try op.forward([x, w, b])
            let gy = try normal(y.shape, seed: UInt64(200 + seed))
            let grads = try op.vjp([x, w, b], y, gy, [true, true, true])
            var yRef = [Double](repeating: 0, count: n * co * oh * ow)
            var dxRef = [Double](repeating: 0, count: x.count), dwRef = [Double](repeating: 0, count: w.count)
            for s in 0..<n { for oc in 0..<co { for i in 0..<(oh * ow) { yRef[(s * co + oc) * oh * ow + i] = Double(b.scalars[oc]) } } }
            for s in 0..<n { for ic in 0..<ci { for i in 0..<h { for j in 0..<wd {
                let xi = ((s * ci + ic) * h + i) * wd + j
                for oc in 0..<co { for ki in 0..<kh { for kj in 0..<kw {
                    let yy = i * stride - padding + ki, xx = j * stride - padding + kj
                    guard (0..<oh).contains(yy), (0..<ow).contains(xx) else { continue }
                    let out = ((s * co + oc) * oh + yy) * ow + xx, wi = ((ic * co + oc) * kh + ki) * kw + kj
                    yRef[out] += Double(w.scalars[wi]) * Double(x.scalars[xi])
                    dxRef[xi] += Double(w.scalars[wi]) * Double(gy.scalars[out])
                    dwRef[wi] += Double(x.scalars[xi]) * Double(gy.scalars[out])
                } } }
            } } } }
            #expect(y.shape == [n, co, oh, ow], "\(label) shape")
            try expectDirectSums(y, grads, yRef, dxRef, dwRef, label)
        }
    }

    @Test func convolutionsOfAnEmptyBatch() throws {
        // No samples (e.g. a cell encoding test[0..<0]): empty outputs and input gradients, zero
        // weight and bias gradients, on the im2col and the sub-pixel paths alike.
        let w = try normal([3, 2, 4, 4], seed: 160), b = try normal([3], seed: 161), wt = try normal([2, 3, 4, 4], seed: 162)
        let x = try Tensor.zeros([0, 2, 8, 8]), z = try Tensor.zeros([0, 2, 4, 4])
        let conv = Conv2dOp(stride: 2, padding: 1)
        let y = try conv.forward([x, w, b])
        #expect(y.shape == [0, 3, 4, 4])
        let grads = try conv.vjp([x, w, b], y, y, [true, true, true])
        #expect(grads.map { $0?.shape } == [[0, 2, 8, 8], [3, 2, 4, 4], [3]])
        #expect(grads.allSatisfy { $0?.scalars.allSatisfy { $0 == 0 } == true })
        for subPixel in [true, false] {
            let transposed = ConvTranspose2dOp(stride: 2, padding: 1, allowsSubPixel: subPixel)
            #expect(SubPixel.applies(try transposed.geometry(z, wt), inputChannels: 2))
            let t = try transposed.forward([z, wt, try normal([3], seed: 163)])
            #expect(t.shape == [0, 3, 8, 8])
            let tGrads = try transposed.vjp([z, wt], t, t, [true, true])
            #expect(tGrads.map { $0?.shape } == [[0, 2, 4, 4], [2, 3, 4, 4]])
            #expect(tGrads[1]?.scalars.allSatisfy { $0 == 0 } == true)
        }
    }

    @Test func subPixelTransposedConvolutionsEqualCol2im() throws {
        // (x shape, weight [Ci, Co, kh, kw], stride, padding), Ci ≤ Co: every case takes the sub-pixel form.
        let cases: [([Int], [Int], Int, Int)] = [
            ([3, 4, 7, 7], [4, 5, 4, 4], 2, 1), ([2, 3, 5, 6], [3, 3, 4, 4], 2, 0), ([2, 2, 4, 4], [2, 3, 2, 2], 2, 0),
            ([2, 2, 3, 3], [2, 4, 6, 6], 3, 1), ([2, 2, 4, 5], [2, 2, 4, 2], 2, 1), ([1, 2, 5, 5], [2, 2, 6, 6], 2, 3),
            ([9, 4, 7, 7], [4, 5, 4, 4], 2, 1),  // several column chunks on the col2im side
        ]
        for (seed, (xShape, wShape, stride, padding)) in cases.enumerated() {
            let x = try normal(xShape, seed: UInt64(60 + seed)), w = try normal(wShape, seed: UInt64(70 + seed))
            let b = try normal([wShape[1]], seed: UInt64(80 + seed))
            let label = "x \(xShape), w \(wShape), s\(stride) p\(padding)"
            let direct = ConvTranspose2dOp(stride: stride, padding: padding)
            #expect(SubPixel.applies(try direct.geometry(x, w), inputChannels: xShape[1]), "\(label) is sub-pixel")
            let viaPhases = try direct.forward([x, w, b])
            let viaCol2im = try ConvTranspose2dOp(stride: stride, padding: padding, allowsSubPixel: false).forward([x, w, b])
            #expect(viaPhases.shape == viaCol2im.shape)
            #expect(GradientCheck.relativeError(viaPhases.scalars, viaCol2im.scalars, floor: 0) < 1e-6, "\(label) forward")
            // The same map is conv2d's input gradient, with the weight read as [O, C, kh, kw].
            let image = try normal(viaPhases.shape, seed: UInt64(90 + seed))
            let conv = Conv2dOp(stride: stride, padding: padding)
            let y = try conv.forward([image, w])
            let gy = try normal(y.shape, seed: UInt64(100 + seed))
            let dxPhases = try #require(try conv.vjp([image, w], y, gy, [true, false])[0])
            let dxCol2im = try #require(try Conv2dOp(stride: stride, padding: padding, allowsSubPixel: false).vjp([image, w], y, gy, [true, false])[0])
            #expect(GradientCheck.relativeError(dxPhases.scalars, dxCol2im.scalars, floor: 0) < 1e-6, "\(label) conv2d x̄")
        }
        try check.check("conv_transpose2d k4 s2 p1, sub-pixel", [try normal([2, 2, 3, 3], seed: 110), try normal([2, 3, 4, 4], seed: 111, scale: 0.5),
                                                                try normal([3], seed: 112)]) {
            try MorphEngine.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
    }

    @Test func convTransposeIsAdjointOfConv() throws {
        // ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ with the same weight.
        let x = try normal([2, 2, 6, 6], seed: 18), w = try normal([3, 2, 4, 4], seed: 19)
        let y = try MorphEngine.conv2d(Variable(x), weight: Variable(w), bias: nil, stride: 2, padding: 1).value
        let u = try normal(y.shape, seed: 20)
        let back = try MorphEngine.convTranspose2d(Variable(u), weight: Variable(w), bias: nil, stride: 2, padding: 1).value
        #expect(back.shape == x.shape)
        let lhs = GradientCheck.weighted(y, u), rhs = GradientCheck.weighted(back, x)
        #expect(abs(lhs - rhs) < 1e-3 * abs(lhs) + 1e-3)
    }

    @Test func locallyConnected() throws {
        let x = try normal([2, 2, 4, 4], seed: 21), w = try normal([2, 2, 3, 2, 3, 3], seed: 22, scale: 0.5)
        let b = try normal([3, 2, 2], seed: 23)
        try check.check("locally_connected2d", [x, w, b]) {
            try MorphEngine.locallyConnected2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
        let xt = try normal([2, 2, 3, 3], seed: 24), wt = try normal([3, 3, 2, 2, 4, 4], seed: 25, scale: 0.5)
        let bt = try normal([2, 6, 6], seed: 26)
        try check.check("locally_connected_transpose2d", [xt, wt, bt]) {
            try MorphEngine.locallyConnectedTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }
    }

    @Test func locallyConnectedWithSharedWeightsEqualsConv() throws {
        let x = try normal([2, 2, 5, 5], seed: 27), w = try normal([3, 2, 3, 3], seed: 28)
        let conv = try MorphEngine.conv2d(Variable(x), weight: Variable(w), bias: nil, stride: 2, padding: 1).value
        let tiled = try Tensor.stack(Array(repeating: w, count: 9)).reshaped([3, 3, 3, 2, 3, 3])
        let lc = try MorphEngine.locallyConnected2d(Variable(x), weight: Variable(tiled), bias: nil, stride: 2, padding: 1).value
        #expect(GradientCheck.relativeError(lc.scalars, conv.scalars) < 1e-5)
        let wt = try normal([2, 3, 4, 4], seed: 29)
        let xt = try normal([2, 2, 3, 3], seed: 30)
        let convT = try MorphEngine.convTranspose2d(Variable(xt), weight: Variable(wt), bias: nil, stride: 2, padding: 1).value
        let tiledT = try Tensor.stack(Array(repeating: wt, count: 9)).reshaped([3, 3, 2, 3, 4, 4])
        let lct = try MorphEngine.locallyConnectedTranspose2d(Variable(xt), weight: Variable(tiledT), bias: nil, stride: 2, padding: 1).value
        #expect(GradientCheck.relativeError(lct.scalars, convT.scalars) < 1e-5)
    }

    @Test func batchNorm() throws {
        let x = try normal([4, 3], seed: 31), gamma = try normal([3], seed: 32), beta = try normal([3], seed: 33)
        try check.check("batch_norm train 1d", [x, gamma, beta]) {
            try MorphEngine.batchNormTraining($0[0], weight: $0[1], bias: $0[2])
        }
        let x4 = try normal([3, 2, 2, 2], seed: 34), g2 = try normal([2], seed: 35), b2 = try normal([2], seed: 36)
        try check.check("batch_norm train 2d", [x4, g2, b2]) {
            try MorphEngine.batchNormTraining($0[0], weight: $0[1], bias: $0[2])
        }
        let mean = try normal([3], seed: 37), variance = try uniform([3], seed: 38, low: 0.5, high: 2)
        try check.check("batch_norm eval", [x, gamma, beta]) {
            try MorphEngine.batchNormInference($0[0], weight: $0[1], bias: $0[2], runningMean: mean, runningVariance: variance)
        }
    }

    @Test func mixtureAndQuadraticPrimitives() throws {
        let z = try normal([3, 2], seed: 39), c = try normal([4, 2], seed: 40)
        try check.check("squared distances", [z, c]) { try MorphEngine.squaredDistances($0[0], centres: $0[1]) }
        let w = try normal([4, 3, 2], seed: 41), m = try normal([4, 3], seed: 42)
        try check.check("mixture linear maps", [z, w, c, m]) {
            try MorphEngine.mixtureLinearMaps($0[0], maps: $0[1], centres: $0[2], offsets: $0[3])
        }
        let p = try normal([3, 4], seed: 43), y = try normal([3, 12], seed: 44)
        try check.check("mixture combine", [p, y]) { try MorphEngine.mixtureCombine(weights: $0[0], maps: $0[1]) }
        try check.check("mixture combine tangent in maps", [p, y], tangentInput: 1) {
            try MorphEngine.mixtureCombine(weights: $0[0], maps: $0[1])
        }
        try check.check("outer", [z]) { try MorphEngine.outerSelf($0[0]) }
    }
}
