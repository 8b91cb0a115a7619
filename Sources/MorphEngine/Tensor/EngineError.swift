/// An error from the engine: bad shapes, bad arguments, sizes too large, non-finite training.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two operands' shapes do not fit the operation.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
    /// An argument is out of its valid range.
    case invalidArgument(String)
    /// A tensor would be larger than the engine's size guard.
    case tooLarge(shape: [Int], bytes: Int)
    /// Training produced NaN or Inf at the given epoch and batch (weights were restored).
    case nonFinite(epoch: Int, batch: Int, loss: Float)
    /// A LAPACK routine reported failure.
    case lapack(routine: String, info: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs):
            return "\(op): shapes \(lhs) and \(rhs) do not fit"
        case let .invalidArgument(message):
            return message
        case let .tooLarge(shape, bytes):
            let gib = Double(bytes) / Double(1 << 30)
            return "a tensor of shape \(shape) would need \((gib * 100).rounded() / 100) GiB, more than the engine's limit of \(Tensor.maximumBytes >> 30) GiB; use smaller batches or chunks"
        case let .nonFinite(epoch, batch, loss):
            return "training stopped: the loss became \(loss) at epoch \(epoch + 1), batch \(batch + 1); the weights after the last finite batch were restored (try a smaller learning rate)"
        case let .lapack(routine, info):
            return "\(routine) failed (info = \(info))"
        }
    }
}
