import CSIMD
import Synchronization
import Glibc

/// Updates parameters from their gradients; its state can be saved and restored.
public protocol Optimizer: AnyObject {
    /// The step size.
    var learningRate: Float { get set }
    /// Applies one update to `parameters` (the same list every step) and clears their gradients;
    /// returns whether every updated weight is finite.
    @discardableResult
    func step(_ parameters: [Parameter]) throws(EngineError) -> Bool
    /// The optimiser's state as named tensors ("step", "0.exp_avg", …), for checkpoints.
    var state: [String: Tensor] { get }
    /// Restores a state produced by `state`.
    func restore(_ state: [String: Tensor]) throws(EngineError)
    /// Puts `parameters` and the optimiser's own state back as they were before the last `step`
    /// (training calls it when a step left a weight non-finite); false if there is no step to undo.
    @discardableResult
    func undoLastStep(_ parameters: [Parameter]) -> Bool
}

/// Adam with PyTorch's defaults (lr 1e-3, β = (0.9, 0.999), ε = 1e-8, no weight decay).
public final class Adam: Optimizer {
    public var learningRate: Float
    /// Decay rates of the first and second moment averages.
    public let beta1: Float, beta2: Float
    /// Added to the denominator.
    public let epsilon: Float
    /// Steps taken.
    public private(set) var stepCount = 0
    private var firstMoments: [[Float]] = []
    private var secondMoments: [[Float]] = []
    /// Buffers a step writes its results into, then swaps with the current ones, so that after a
    /// step they hold the weights and moments from before it (`undoLastStep` swaps them back).
    /// Writing elsewhere instead of in place costs no copy, and keeps the old state for free.
    private var spareWeights: [[Float]] = [], spareFirst: [[Float]] = [], spareSecond: [[Float]] = []
    /// Which parameters the last step changed (those with a gradient); empty when it cannot be undone.
    private var updatedByLastStep: [Bool] = []

    /// An Adam optimiser.
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    @discardableResult
    public func step(_ parameters: [Parameter]) throws(EngineError) -> Bool {
        if firstMoments.count != parameters.count {
            firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            secondMoments = firstMoments
        }
        if spareWeights.count != parameters.count {
            spareWeights = firstMoments; spareFirst = firstMoments; spareSecond = firstMoments
        }
        for (i, p) in parameters.enumerated() {
            guard let g = p.gradient else { continue }
            guard g.count == p.value.count, firstMoments[i].count == g.count, secondMoments[i].count == g.count else {
                throw .shapeMismatch(operation: "Adam step (parameter, gradient)", lhs: p.value.shape, rhs: g.shape)
            }
            if spareWeights[i].count != g.count {
                spareWeights[i] = [Float](repeating: 0, count: g.count)
                spareFirst[i] = spareWeights[i]; spareSecond[i] = spareWeights[i]
            }
        }
        stepCount += 1
        let bc1 = 1 - powf(beta1, Float(stepCount)), bc2 = 1 - powf(beta2, Float(stepCount))
        let stepSize = learningRate / bc1, bc2Root = bc2.squareRoot()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        var updated = [Bool](repeating: false, count: parameters.count)
        let nonFinite = Atomic<Bool>(false)  // the kernel reports a NaN or infinite new weight
        for (i, p) in parameters.enumerated() {
            guard let g = p.gradient else { continue }
            p.value.scalars.withUnsafeBufferPointer { w in
                g.scalars.withUnsafeBufferPointer { gp in
                    firstMoments[i].withUnsafeBufferPointer { m in
                        secondMoments[i].withUnsafeBufferPointer { v in
                            spareWeights[i].withUnsafeMutableBufferPointer { w1 in
                                spareFirst[i].withUnsafeMutableBufferPointer { m1 in
                                    spareSecond[i].withUnsafeMutableBufferPointer { v1 in
                                        let (w0, g0, m0, v0) = (w.baseAddress!, gp.baseAddress!, m.baseAddress!, v.baseAddress!)
                                        let (wOut, mOut, vOut) = (w1.baseAddress!, m1.baseAddress!, v1.baseAddress!)
                                        Parallel.forEachChunk(w.count, minimumPerChunk: 1 << 15) { range in
                                            let o = range.lowerBound
                                            if csimd_adam_update(w0 + o, wOut + o, g0 + o, m0 + o, mOut + o, v0 + o, vOut + o,
                                                                 range.count, b1, b2, eps, stepSize, bc2Root) != 0 {
                                                nonFinite.store(true, ordering: .relaxed)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&p.value.scalars, &spareWeights[i])
            swap(&firstMoments[i], &spareFirst[i])
            swap(&secondMoments[i], &spareSecond[i])
            updated[i] = true
            p.gradient = nil
        }
        updatedByLastStep = updated
        return !nonFinite.load(ordering: .relaxed)
    }

    @discardableResult
    public func undoLastStep(_ parameters: [Parameter]) -> Bool {
        guard !updatedByLastStep.isEmpty, updatedByLastStep.count == parameters.count else { return false }
        for (i, p) in parameters.enumerated() where updatedByLastStep[i] {
            swap(&p.value.scalars, &spareWeights[i])
            swap(&firstMoments[i], &spareFirst[i])
            swap(&secondMoments[i], &spareSecond[i])
        }
        stepCount -= 1
        updatedByLastStep = []
        return true
    }

    public var state: [String: Tensor] {
        var out: [String: Tensor] = ["step": Tensor(Float(stepCount))]
        for i in firstMoments.indices {
            out["\(i).exp_avg"] = Tensor(firstMoments[i])
            out["\(i).exp_avg_sq"] = Tensor(secondMoments[i])
        }
        return out
    }

    public func restore(_ state: [String: Tensor]) throws(EngineError) {
        guard let step = state["step"]?.scalar, let count = Int(exactly: step), count >= 0 else {
            throw .invalidArgument("Adam's saved state has no valid step count")
        }
        var m: [[Float]] = [], v: [[Float]] = []
        var i = 0
        while let a = state["\(i).exp_avg"], let b = state["\(i).exp_avg_sq"] {
            guard a.count == b.count, a.isFinite, b.isFinite, b.scalars.allSatisfy({ $0 >= 0 }) else {
                throw .invalidArgument("Adam's saved moments \(i) are malformed (different sizes, non-finite or negative values)")
            }
            m.append(a.scalars); v.append(b.scalars); i += 1
        }
        stepCount = count
        firstMoments = m
        secondMoments = v
        spareWeights = []; spareFirst = []; spareSecond = []
        updatedByLastStep = []
    }
}

/// Stochastic gradient descent with momentum, as PyTorch's SGD (buffer = μ·buffer + g).
public final class SGD: Optimizer {
    public var learningRate: Float
    /// The momentum μ (0 for plain SGD).
    public let momentum: Float
    private var buffers: [[Float]] = []
    /// The weights and buffers before the last step, for `undoLastStep`.
    private var beforeLastStep: (weights: [Tensor], buffers: [[Float]])?

    /// An SGD optimiser.
    public init(learningRate: Float = 0.01, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    @discardableResult
    public func step(_ parameters: [Parameter]) throws(EngineError) -> Bool {
        beforeLastStep = (parameters.map(\.value), buffers)
        let first = buffers.count != parameters.count
        if first { buffers = parameters.map { [Float](repeating: 0, count: $0.value.count) } }
        let (lr, mu) = (learningRate, momentum)
        for (i, p) in parameters.enumerated() {
            guard let g = p.gradient else { continue }
            guard g.count == p.value.count, buffers[i].count == g.count else {
                throw .shapeMismatch(operation: "SGD step (parameter, gradient)", lhs: p.value.shape, rhs: g.shape)
            }
            p.value.scalars.withUnsafeMutableBufferPointer { w in
                buffers[i].withUnsafeMutableBufferPointer { b in
                    for j in 0..<w.count {
                        let gj = g.scalars[j]
                        b[j] = mu == 0 ? gj : (first ? gj : mu * b[j] + gj)
                        w[j] -= lr * b[j]
                    }
                }
            }
            p.gradient = nil
        }
        return parameters.allSatisfy { $0.value.isFinite }
    }

    public var state: [String: Tensor] {
        var out: [String: Tensor] = [:]
        for i in buffers.indices { out["\(i).momentum_buffer"] = Tensor(buffers[i]) }
        return out
    }

    public func restore(_ state: [String: Tensor]) throws(EngineError) {
        var b: [[Float]] = []
        var i = 0
        while let t = state["\(i).momentum_buffer"] { b.append(t.scalars); i += 1 }
        buffers = b
        beforeLastStep = nil
    }

    @discardableResult
    public func undoLastStep(_ parameters: [Parameter]) -> Bool {
        guard let saved = beforeLastStep, saved.weights.count == parameters.count else { return false }
        for (p, w) in zip(parameters, saved.weights) { p.value = w }
        buffers = saved.buffers
        beforeLastStep = nil
        return true
    }
}
