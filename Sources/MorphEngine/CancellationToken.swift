import Synchronization

/// A flag that one thread sets (the kernel, on interrupt) and long-running work checks.
///
/// Loops in the engine and the interpreter call `checkCancellation()` at their
/// cancellation points (each batch, each iteration); a set token makes it throw
/// `Interrupted`, and the work stops leaving its state consistent.
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A token that is not cancelled.
    public init() {}

    /// Requests cancellation; safe to call from any thread, any number of times.
    public func cancel() { flag.store(true, ordering: .releasing) }

    /// Clears a previous request, before the next unit of work starts.
    public func reset() { flag.store(false, ordering: .releasing) }

    /// Whether cancellation was requested.
    public var isCancelled: Bool { flag.load(ordering: .acquiring) }

    /// Throws `Interrupted` when cancellation was requested.
    public func checkCancellation() throws(Interrupted) {
        if isCancelled { throw Interrupted() }
    }
}

/// The error thrown at a cancellation point after an interrupt.
public struct Interrupted: Error, Sendable, CustomStringConvertible {
    /// An interruption.
    public init() {}
    public var description: String { "Interrupted" }
}
