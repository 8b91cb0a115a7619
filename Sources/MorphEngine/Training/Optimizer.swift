import CSIMD
import Glibc

/// Updates parameters from their gradients; its state can be saved and restored.
public protocol Optimizer: AnyObject {
    /// The step size.
    var learningRate: Float { get set }
    /// Applies one update to `parameters` (the same list every step) and clears their gradients.
    func step(_ parameters: [Parameter]) throws(EngineError)
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

    public func step(_ parameters: [Parameter]) throws(EngineError) {
        if firstMoments.count != parameters.count {
            firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            secondMoments = firstMoments
        }
        stepCount += 1
        let bc1 = 1 - powf(beta1, Float(stepCount)), bc2 = 1 - powf(beta2, Float(stepCount))
        let stepSize = learningRate / bc1, bc2Root = bc2.squareRoot()
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for (i, p) in parameters.enumerated() {
            guard let g = p.gradient else { continue }
            guard g.count == p.value.count, firstMoments[i].count == g.count else {
                throw .shapeMismatch(operation: "Adam step (parameter, gradient)", lhs: p.value.shape, rhs: g.shape)
            }
            p.value.scalars.withUnsafeMutableBufferPointer { w in
                g.scalars.withUnsafeBufferPointer { gp in
                    firstMoments[i].withUnsafeMutableBufferPointer { m in
                        secondMoments[i].withUnsafeMutableBufferPointer { v in
                            let (wb, gb, mb, vb) = (w.baseAddress!, gp.baseAddress!, m.baseAddress!, v.baseAddress!)
                            Parallel.forEachChunk(w.count, minimumPerChunk: 1 << 15) { range in
                                let o = range.lowerBound
                                csimd_adam_update(wb + o, gb + o, mb + o, vb + o, range.count, b1, b2, eps, stepSize, bc2Root)
                            }
                        }
                    }
                }
            }
            p.gradient = nil
        }
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

    public func step(_ parameters: [Parameter]) throws(EngineError) {
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
