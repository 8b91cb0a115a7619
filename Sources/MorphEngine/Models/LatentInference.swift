/// The gradient flow dz/dt = β (x − r(z))ᵀ dr/dz, which descends ½‖x − r(z)‖², integrated by
/// Euler steps: a step that would increase the error is retried at half the size (and the size
/// stays halved), so the flow never diverges (Euler steps are stable only while the step is
/// below 2/σ_max(J)²); it stops early when no step helps.
public struct GradientFlow: Sendable, Equatable {
    /// Euler steps.
    public var steps: Int
    /// β·dt of the first step.
    public var stepSize: Float

    /// A flow with the given steps and initial step size.
    public init(steps: Int = 100, stepSize: Float = 0.002) {
        self.steps = steps
        self.stepSize = stepSize
    }

    /// The latent after the flow from `start` towards explaining x with `decoder`, and
    /// ½‖x − r(z)‖² (summed over the batch) at the start and after every step taken.
    /// `cancellation` is checked before every step.
    public func run(_ x: Tensor, from start: Tensor, cancellation: CancellationToken? = nil,
                    decoder: (Variable) throws(EngineError) -> Variable) throws -> (latent: Tensor, losses: [Float]) {
        guard steps >= 0, stepSize > 0, stepSize.isFinite else {
            throw EngineError.invalidArgument("the gradient flow needs steps ≥ 0 and a positive, finite step size (got \(steps), \(stepSize))")
        }
        let target = try x.reshaped([x.batchSize, -1])
        func lossAndGradient(_ z: Tensor) throws(EngineError) -> (Float, Tensor) {
            let tape = Tape(tracksParameters: false)
            let zv = tape.input(z)
            let loss = try (Variable(target) - decoder(zv)).squared().sum().scaled(by: 0.5)
            let value = loss.value.scalars[0]
            guard value.isFinite else { return (value, z) }
            return (value, try tape.backward(from: loss, inputs: [zv])[0])
        }
        var z = start
        var (loss, gradient) = try lossAndGradient(z)
        guard loss.isFinite else {
            throw EngineError.invalidArgument("the gradient flow cannot start: the reconstruction error at the starting latent is \(loss)")
        }
        var losses = [loss]
        var size = stepSize
        var taken = 0
        while taken < steps {
            try cancellation?.checkCancellation()
            var moved = false
            while size > 1e-9 {
                try cancellation?.checkCancellation()
                let candidate = try z - gradient * size
                let (value, next) = try lossAndGradient(candidate)
                if value.isFinite, value <= loss, candidate.isFinite {
                    (z, loss, gradient) = (candidate, value, next)
                    moved = true
                    break
                }
                size /= 2
            }
            if !moved { break }
            taken += 1
            losses.append(loss)
        }
        return (z, losses)
    }
}
