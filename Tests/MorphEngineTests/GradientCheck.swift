import Testing
@testable import MorphEngine

/// Finite-difference checks of reverse mode (VJP), forward mode (JVP) and their agreement.
struct GradientCheck {
    var epsilon: Float = 1e-2
    var tolerance: Float = 2e-2

    /// Relative distance ‖a − b‖ / (‖b‖ + floor).
    static func relativeError(_ a: [Float], _ b: [Float], floor: Float = 1e-3) -> Float {
        var num = 0.0, den = 0.0
        for (x, y) in zip(a, b) { num += Double(x - y) * Double(x - y); den += Double(y) * Double(y) }
        return Float(num.squareRoot() / (den.squareRoot() + Double(floor)))
    }

    static func weighted(_ y: Tensor, _ w: Tensor) -> Double {
        zip(y.scalars, w.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks f at `inputs`: gradients of ⟨w, f⟩ for the inputs in `differentiate` against
    /// central differences; if `tangentInput` is set, K = 2 tangents through it against
    /// directional differences and against reverse mode.
    func check(_ name: String, _ inputs: [Tensor], differentiate: [Int]? = nil, tangentInput: Int? = 0,
               seed: UInt64 = 7, _ f: ([Variable]) throws -> Variable,
               sourceLocation: SourceLocation = #_sourceLocation) throws {
        var g = RandomGenerator(seed: seed)
        let y = try f(inputs.map { Variable($0) })
        let w = try Tensor.randomNormal(y.value.shape, generator: &g)
        let which = differentiate ?? Array(inputs.indices)

        // Reverse mode.
        let tape = Tape()
        let vars = inputs.enumerated().map { which.contains($0.offset) ? tape.input($0.element) : tape.constant($0.element) }
        let out = try f(vars)
        let loss = try (out * Variable(w)).sum()
        let grads = try tape.backward(from: loss, inputs: vars)

        for i in which {
            var fd = [Float](repeating: 0, count: inputs[i].count)
            for j in 0..<inputs[i].count {
                var plus = inputs, minus = inputs
                plus[i].scalars[j] += epsilon
                minus[i].scalars[j] -= epsilon
                let lp = GradientCheck.weighted(try f(plus.map { Variable($0) }).value, w)
                let lm = GradientCheck.weighted(try f(minus.map { Variable($0) }).value, w)
                fd[j] = Float((lp - lm) / Double(2 * epsilon))
            }
            let err = GradientCheck.relativeError(grads[i].scalars, fd)
            #expect(err < tolerance, "\(name): VJP of input \(i) vs finite differences, relative error \(err)",
                    sourceLocation: sourceLocation)
        }

        guard let ti = tangentInput else { return }
        let k = 2
        let x = inputs[ti]
        let v = try Tensor.randomNormal(Tangents.shape(of: x.shape, k: k), generator: &g)
        var fvars = inputs.map { Variable($0) }
        fvars[ti] = try Variable(x, tangent: v, count: k)
        let fout = try f(fvars)
        let tangent = try #require(fout.tangent, "\(name): no tangent", sourceLocation: sourceLocation)
        let n = x.rank == 0 ? 1 : x.shape[0], s = x.count / max(1, n)
        let ys = y.value.rank == 0 ? 1 : y.value.count / max(1, y.value.shape[0])
        let yn = y.value.rank == 0 ? 1 : y.value.shape[0]
        for q in 0..<k {
            // Direction q for every sample.
            var dir = [Float](repeating: 0, count: x.count)
            for i in 0..<n { for j in 0..<s { dir[i * s + j] = v.scalars[(i * k + q) * s + j] } }
            var plus = inputs, minus = inputs
            for j in 0..<x.count { plus[ti].scalars[j] += epsilon * dir[j]; minus[ti].scalars[j] -= epsilon * dir[j] }
            let yp = try f(plus.map { Variable($0) }).value, ym = try f(minus.map { Variable($0) }).value
            let fd = zip(yp.scalars, ym.scalars).map { ($0 - $1) / (2 * epsilon) }
            var jvp = [Float](repeating: 0, count: y.value.count)
            if y.value.rank == 0 {
                jvp[0] = tangent.scalars[q]
            } else {
                for i in 0..<yn { for j in 0..<ys { jvp[i * ys + j] = tangent.scalars[(i * k + q) * ys + j] } }
            }
            let err = GradientCheck.relativeError(jvp, fd)
            #expect(err < tolerance, "\(name): JVP \(q) vs finite differences, relative error \(err)",
                    sourceLocation: sourceLocation)
            if which.contains(ti) {
                let forward = zip(jvp, w.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let reverse = zip(grads[ti].scalars, dir).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                #expect(abs(forward - reverse) <= 1e-3 * (abs(reverse) + 1),
                        "\(name): forward ⟨w, J v⟩ = \(forward) vs reverse ⟨Jᵀw, v⟩ = \(reverse)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}

func normal(_ shape: [Int], seed: UInt64, scale: Float = 1) throws -> Tensor {
    var g = RandomGenerator(seed: seed)
    return try Tensor.randomNormal(shape, standardDeviation: scale, generator: &g)
}

func uniform(_ shape: [Int], seed: UInt64, low: Float = 0, high: Float = 1) throws -> Tensor {
    var g = RandomGenerator(seed: seed)
    return try Tensor.randomUniform(shape, low: low, high: high, generator: &g)
}
