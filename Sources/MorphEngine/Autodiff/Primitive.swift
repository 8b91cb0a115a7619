/// A primitive operation of the autodiff engine: its forward computation, its
/// vector-Jacobian product (reverse mode) and its Jacobian-vector product (forward mode),
/// declared side by side so one can be checked against the other.
///
/// Conventions. Batched operands have the batch (sample) axis first. In forward mode a
/// batched operand of shape [N, f…] carries K tangents per sample as one tensor of shape
/// [N·K, f…], sample-major (row n·K + k is tangent k of sample n); operands that are not
/// batched (weights) carry no tangent. A nil tangent or needed-flag means zero / not needed.
protocol Primitive {
    /// A short name for error messages.
    var name: String { get }
    /// The output for the given inputs.
    func forward(_ inputs: [Tensor]) throws(EngineError) -> Tensor
    /// Cotangents of the inputs (only where `needed`), given the output's cotangent.
    func vjp(_ inputs: [Tensor], _ output: Tensor, _ cotangent: Tensor,
             _ needed: [Bool]) throws(EngineError) -> [Tensor?]
    /// The output's K tangents per sample, given the inputs' tangents.
    func jvp(_ inputs: [Tensor], _ output: Tensor, _ tangents: [Tensor?],
             _ k: Int) throws(EngineError) -> Tensor
}

/// A trainable tensor owned by a layer, named as in PyTorch's state_dict.
public final class Parameter {
    /// The PyTorch-style name inside its layer ("weight", "bias").
    public let name: String
    /// The current value.
    public var value: Tensor { didSet { transposedCache = nil } }
    /// The accumulated gradient of the last backward pass (nil before one).
    public var gradient: Tensor?
    /// The transposed value, kept until the value changes.
    private var transposedCache: Tensor?

    /// The value of a matrix parameter transposed, computed once per value (forward-mode
    /// products use Wᵀ on every call while the weights stay fixed).
    func transposedValue() throws(EngineError) -> Tensor {
        if let transposedCache { return transposedCache }
        let t = try value.transposed()
        transposedCache = t
        return t
    }

    /// A parameter with an initial value.
    public init(_ name: String, _ value: Tensor) {
        self.name = name
        self.value = value
    }
}

/// A value flowing through the autodiff engine: a tensor, optionally forward-mode
/// tangents, and optionally a place on a reverse-mode tape.
public struct Variable {
    /// The primal value.
    public let value: Tensor
    /// K tangents per sample, shape [N·K, …] (forward mode), or nil.
    public let tangent: Tensor?
    /// Tangents per sample (K) when `tangent` is set.
    public let tangentCount: Int
    /// The tape recording operations on this value (reverse mode), or nil.
    let tape: Tape?
    /// This value's node on the tape when it depends on a tracked leaf.
    let node: Int?

    /// A constant (no tangent, not recorded).
    public init(_ value: Tensor) {
        self.value = value
        self.tangent = nil
        self.tangentCount = 0
        self.tape = nil
        self.node = nil
    }

    /// A value carrying K tangents per sample, shape [N·K, …] matching `value` [N, …].
    public init(_ value: Tensor, tangent: Tensor, count k: Int) throws(EngineError) {
        guard k > 0, value.rank >= 1, tangent.shape == [value.shape[0] * k] + value.shape.dropFirst() else {
            throw .shapeMismatch(operation: "tangents (need [N·K, …] for K = \(k))", lhs: value.shape, rhs: tangent.shape)
        }
        self.value = value
        self.tangent = tangent
        self.tangentCount = k
        self.tape = nil
        self.node = nil
    }

    init(value: Tensor, tangent: Tensor?, tangentCount: Int, tape: Tape?, node: Int?) {
        self.value = value
        self.tangent = tangent
        self.tangentCount = tangentCount
        self.tape = tape
        self.node = node
    }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    /// A parameter as an operand on this value's tape (tracked when the tape tracks parameters).
    func use(_ parameter: Parameter) -> Variable {
        guard let tape, tape.tracksParameters else { return Variable(parameter.value) }
        return Variable(value: parameter.value, tangent: nil, tangentCount: 0, tape: tape,
                        node: tape.leaf(for: parameter))
    }

    /// Applies a primitive: forward, forward-mode tangents when any input has them, and a
    /// tape record when any input is tracked.
    static func apply(_ op: some Primitive, _ inputs: [Variable]) throws(EngineError) -> Variable {
        let values = inputs.map(\.value)
        let output = try op.forward(values)
        var tangent: Tensor?
        var k = 0
        if let carrier = inputs.first(where: { $0.tangent != nil }) {
            k = carrier.tangentCount
            for input in inputs where input.tangent != nil && input.tangentCount != k {
                throw .invalidArgument("\(op.name): operands carry different tangent counts (\(k) and \(input.tangentCount))")
            }
            tangent = try op.jvp(values, output, inputs.map(\.tangent), k)
        }
        var tape: Tape?
        var node: Int?
        if let tracked = inputs.first(where: { $0.node != nil }), let t = tracked.tape {
            tape = t
            node = t.record(op, inputs: inputs.map(\.node), values: values, output: output)
        } else {
            tape = inputs.first(where: { $0.tape != nil })?.tape
        }
        return Variable(value: output, tangent: tangent, tangentCount: k, tape: tape, node: node)
    }
}

/// The reverse-mode record of the operations since the tape was made (single use).
public final class Tape {
    struct Node {
        var op: (any Primitive)?
        var inputs: [Int?]
        var values: [Tensor]
        var output: Tensor
        var parameter: Parameter?
    }

    var nodes: [Node] = []
    private var parameterLeaves: [ObjectIdentifier: Int] = [:]
    /// Whether parameters used by layers get gradients (false: only explicit inputs do).
    public let tracksParameters: Bool

    /// An empty tape; `tracksParameters` false records only what depends on `input(_:)` values.
    public init(tracksParameters: Bool = true) {
        Memory.configured
        self.tracksParameters = tracksParameters
    }

    /// A constant operand on this tape (data): parameters used with it are tracked.
    public func constant(_ value: Tensor) -> Variable {
        Variable(value: value, tangent: nil, tangentCount: 0, tape: self, node: nil)
    }

    /// An input whose gradient `gradients(of:)` reports.
    public func input(_ value: Tensor) -> Variable {
        nodes.append(Node(op: nil, inputs: [], values: [], output: value, parameter: nil))
        return Variable(value: value, tangent: nil, tangentCount: 0, tape: self, node: nodes.count - 1)
    }

    func leaf(for parameter: Parameter) -> Int {
        let id = ObjectIdentifier(parameter)
        if let n = parameterLeaves[id] { return n }
        nodes.append(Node(op: nil, inputs: [], values: [], output: parameter.value, parameter: parameter))
        parameterLeaves[id] = nodes.count - 1
        return nodes.count - 1
    }

    func record(_ op: some Primitive, inputs: [Int?], values: [Tensor], output: Tensor) -> Int {
        nodes.append(Node(op: op, inputs: inputs, values: values, output: output, parameter: nil))
        return nodes.count - 1
    }

    /// Runs reverse mode from a scalar `loss`: adds each tracked parameter's gradient to
    /// `Parameter.gradient` and returns the gradients of `inputs` (zeros where unused).
    /// Frees the recorded values; a tape is used for one backward pass.
    @discardableResult
    public func backward(from loss: Variable, inputs: [Variable] = []) throws(EngineError) -> [Tensor] {
        guard loss.tape === self, let root = loss.node else {
            throw .invalidArgument("backward: the loss was not computed on this tape from a tracked value")
        }
        guard loss.value.count == 1 else {
            throw .invalidArgument("backward: the loss must be a scalar, got shape \(loss.value.shape)")
        }
        var cotangents = [Tensor?](repeating: nil, count: nodes.count)
        cotangents[root] = Tensor(unchecked: loss.value.shape, scalars: [1])
        let wanted = Set(inputs.compactMap(\.node))
        var results: [Int: Tensor] = [:]
        for index in stride(from: root, through: 0, by: -1) {
            guard let g = cotangents[index] else { continue }
            cotangents[index] = nil
            let node = nodes[index]
            if let op = node.op {
                let needed = node.inputs.map { $0 != nil }
                let grads = try op.vjp(node.values, node.output, g, needed)
                for (slot, input) in node.inputs.enumerated() {
                    guard let input, slot < grads.count, let gi = grads[slot] else { continue }
                    if let existing = cotangents[input] {
                        cotangents[input] = try existing + gi
                    } else {
                        cotangents[input] = gi
                    }
                }
            } else if let parameter = node.parameter {
                if let existing = parameter.gradient, existing.shape == g.shape {
                    parameter.gradient = try existing + g
                } else {
                    parameter.gradient = g
                }
            } else if wanted.contains(index) {
                results[index] = g
            }
            nodes[index] = Node(op: nil, inputs: [], values: [], output: Tensor(0), parameter: nil)
        }
        nodes.removeAll()
        parameterLeaves.removeAll()
        return try inputs.map { v throws(EngineError) in
            if let n = v.node, let g = results[n] { return g }
            return try Tensor.zeros(v.value.shape)
        }
    }
}
