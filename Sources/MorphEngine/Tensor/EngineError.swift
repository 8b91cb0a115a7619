/// An error from the engine: bad shapes, bad arguments, sizes too large, non-finite training.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two operands' shapes do not fit the operation.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
    /// An argument is out of its valid range.
    case invalidArgument(String)
    /// A tensor would be larger than the engine's size guard.
    case tooLarge(shape: [Int], bytes: Int)
    /// Training produced NaN or Inf at the given epoch and batch; the model and the optimiser
    /// were put back as they were after the last finite step (`lastFinite`: its epoch and batch,
    /// nil when none had finished in this run).
    case nonFinite(epoch: Int, batch: Int, loss: Float, lastFinite: [Int]?)
    /// A request would take the process past its memory budget (`MemoryBudget`).
    case outOfMemory(requested: Int, available: Int, budget: Int)
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
        case let .nonFinite(epoch, batch, loss, lastFinite):
            let what = loss.isFinite ? "a gradient or a weight became NaN or infinite" : "the loss became \(loss)"
            let kept: String
            if let lastFinite, lastFinite.count == 2 {
                kept = "the weights, batch-norm statistics and optimiser state are those after epoch \(lastFinite[0] + 1), batch \(lastFinite[1] + 1), the last finite step"
            } else {
                kept = "no step of this run had finished, so the model is as it was before it"
            }
            return "training stopped: \(what) at epoch \(epoch + 1), batch \(batch + 1); \(kept) (try a smaller learning rate)"
        case let .outOfMemory(requested, available, budget):
            func size(_ bytes: Int) -> String {
                bytes >= 1 << 30 ? "\((Double(bytes) / Double(1 << 30) * 100).rounded() / 100) GiB" : "\(bytes >> 20) MiB"
            }
            return "this needs \(size(requested)) more memory, but only \(size(available)) of the \(size(budget)) budget is left; use smaller batches, models or data (MORPH_MEMORY_LIMIT sets the budget)"
        case let .lapack(routine, info):
            return "\(routine) failed (info = \(info))"
        }
    }
}
