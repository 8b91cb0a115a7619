import Synchronization

/// Remembers the most recent signatures (a bounded set, oldest forgotten first) so that a
/// replayed message is recognised and dropped. Shared by the shell and control threads.
public final class ReplayGuard: Sendable {
    private struct Storage {
        var seen: Set<[UInt8]> = []
        var order: [[UInt8]] = []
        var next = 0
    }

    private let capacity: Int
    private let storage = Mutex(Storage())

    /// A guard remembering up to `capacity` signatures (2^16 by default).
    public init(capacity: Int = 1 << 16) { self.capacity = max(1, capacity) }

    /// Records `signature`; false when it was already seen (a replay).
    public func admit(_ signature: [UInt8]) -> Bool {
        storage.withLock { s in
            if s.seen.contains(signature) { return false }
            if s.order.count < capacity {
                s.order.append(signature)
            } else {
                s.seen.remove(s.order[s.next])
                s.order[s.next] = signature
                s.next = (s.next + 1) % capacity
            }
            s.seen.insert(signature)
            return true
        }
    }
}
