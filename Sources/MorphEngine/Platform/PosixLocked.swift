import Glibc

/// A value guarded by a pthread mutex, with a condition to wait on until the value allows a step.
///
/// Used where ThreadSanitizer must see the locking: it intercepts pthread mutexes, but not the
/// futex inside `Synchronization.Mutex` (the standard library is not instrumented), and reports
/// the accesses that mutex orders as races.
final class PosixLocked<Value>: @unchecked Sendable {
    // The value is only touched between lock and unlock (hence @unchecked Sendable).
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value

    /// A lock guarding `value`.
    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` on the value with the lock held, once `ready(value)` holds (waiting for other
    /// threads' changes until then); waiters are woken afterwards.
    func withLock<R>(when ready: (Value) -> Bool = { _ in true }, _ body: (inout Value) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
        while !ready(value) { pthread_cond_wait(changed, mutex) }
        return body(&value)
    }
}
