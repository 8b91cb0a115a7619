import Glibc

/// A value guarded by a pthread mutex.
///
/// Used where ThreadSanitizer must see the locking: it intercepts pthread mutexes, but not the
/// futex inside `Synchronization.Mutex` (the standard library is not instrumented), and reports
/// the accesses that mutex orders as races.
final class PosixLocked<Value>: @unchecked Sendable {
    // The value is only touched between lock and unlock (hence @unchecked Sendable).
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    /// A lock guarding `value`.
    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` on the value with the lock held.
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&value)
    }
}
