import CSIMD
import Synchronization
import Glibc

/// Updates parameters from their gradients; its state can be saved and restored.
public protocol Optimizer: AnyObject {
    /// The step size.
    var learningRate: Float { get set }
    /// Applies one update to `parameters` (the same list every step) and clears their gradients;
    /// when the update would make a weight or the optimiser's state NaN or infinite it changes
    /// nothing and returns false.
    @discardableResult
    func step(_ parameters: [Parameter]) throws(EngineError) -> Bool
    /// The optimiser's state as named tensors ("step", "0.exp_avg", …), for checkpoints.
    var state: [String: Tensor] { get }
    /// Restores a state produced by `state`.
    func restore(_ state: [String: Tensor]) throws(EngineError)
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

    /// An Adam optimiser.
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// First checks what the update would give (writing nothing) and then updates in place, so a
    /// step that would make a weight or a moment non-finite is never taken and nothing needs undoing.
    @discardableResult
    public func step(_ parameters: [Parameter]) throws(EngineError) -> Bool {
        if firstMoments.count != parameters.count {
            firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            secondMoments = firstMoments
        }
        for p in parameters.enumerated() {
            guard let g = p.element.gradient else { continue }
            guard g.count == p.element.value.count, firstMoments[p.offset].count == g.count, secondMoments[p.offset].count == g.count else {
                throw .shapeMismatch(operation: "Adam step (parameter, gradient)", lhs: p.element.value.shape, rhs: g.shape)
            }
        }
        let next = stepCount + 1
        let bc1 = 1 - powf(beta1, Float(next)), bc2 = 1 - powf(beta2, Float(next))
        let stepSize = learningRate / bc1, bc2Root = bc2.squareRoot()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        // Would any new value be NaN or infinite? (The same arithmetic as the update.)
        let nonFinite = Atomic<Bool>(false)
        for (i, p) in parameters.enumerated() {
            guard let g = p.gradient else { continue }
            p.value.scalars.withUnsafeBufferPointer { w in
                g.scalars.withUnsafeBufferPointer { gp in
                    firstMoments[i].withUnsafeBufferPointer { m in
                        secondMoments[i].withUnsafeBufferPointer { v in
                            let (w0, g0, m0, v0) = (w.baseAddress!, gp.baseAddress!, m.baseAddress!, v.baseAddress!)
                            Parallel.forEachChunk(w.count, minimumPerChunk: 1 << 15) { range in
                                let o = range.lowerBound
                                if csimd_adam_check(w0 + o, g0 + o, m0 + o, v0 + o, range.count, b1, b2, eps, stepSize, bc2Root) != 0 {
                                    nonFinite.store(true, ordering: .relaxed)
                                }
                            }
                        }
                    }
                }
            }
        }
        if nonFinite.load(ordering: .relaxed) { return false }
        stepCount = next
        for (i, p) in parameters.enumerated() {
            guard let g = p.gradient else { continue }
            p.value.scalars.withUnsafeMutableBufferPointer { w in
                g.scalars.withUnsafeBufferPointer { gp in
                    firstMoments[i].withUnsafeMutableBufferPointer { m in
                        secondMoments[i].withUnsafeMutableBufferPointer { v in
                            let (w0, g0, m0, v0) = (w.baseAddress!, gp.baseAddress!, m.baseAddress!, v.baseAddress!)
                            Parallel.forEachChunk(w.count, minimumPerChunk: 1 << 15) { range in
                                let o = range.lowerBound
                                _ = csimd_adam_update(w0 + o, w0 + o, g0 + o, m0 + o, m0 + o, v0 + o, v0 + o,
                                                      range.count, b1, b2, eps, stepSize, bc2Root)
                            }
                        }
                    }
                }
            }
            p.gradient = nil
        }
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
    }
}

/// Stochastic gradient descent with momentum, as PyTorch's SGD (buffer = μ·buffer + g).
public final class SGD: Optimizer {
    public var learningRate: Float
    /// The momentum μ (0 for plain SGD).
    public let momentum: Float
    private var buffers: [[Float]] = []

    /// An SGD optimiser.
    public init(learningRate: Float = 0.01, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    @discardableResult
    public func step(_ parameters: [Parameter]) throws(EngineError) -> Bool {
        let before = (weights: parameters.map(\.value), buffers: buffers, gradients: parameters.map(\.gradient))
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
        if parameters.allSatisfy({ $0.value.isFinite }) && buffers.allSatisfy({ $0.allSatisfy(\.isFinite) }) { return true }
        // A step that made something non-finite is not taken.
        for (p, (w, g)) in zip(parameters, zip(before.weights, before.gradients)) { p.value = w; p.gradient = g }
        buffers = before.buffers
        return false
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
    }
}
