#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A POSIX thread running one closure, that can be joined with a deadline (no Foundation needed).
final class PosixThread: Sendable {
    private final class Box: @unchecked Sendable {  // handed to the new thread once, then owned by it
        let body: @Sendable () -> Void
        let thread: PosixThread
        init(_ body: @escaping @Sendable () -> Void, _ thread: PosixThread) {
            self.body = body
            self.thread = thread
        }
    }

    private let finished = Atomic<Bool>(false)
    fileprivate let handle = Mutex<pthread_t?>(nil)

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body, self)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            box.thread.finished.store(true, ordering: .releasing)
            return nil
        }, box)
        if started == 0 {
            handle.withLock { $0 = thread }
        } else {
            Unmanaged<Box>.fromOpaque(box).release()
            finished.store(true, ordering: .releasing)
        }
    }

    /// Whether the closure has returned.
    var isFinished: Bool { finished.load(ordering: .acquiring) }

    /// Waits up to `milliseconds` for the thread to end and joins it; false when it is still running.
    @discardableResult
    func join(milliseconds: Int) -> Bool {
        var waited = 0
        while !isFinished && waited < milliseconds {
            usleep(1000)
            waited += 1
        }
        guard isFinished else { return false }
        if let thread = handle.withLock({ h -> pthread_t? in defer { h = nil }; return h }) {
            pthread_join(thread, nil)
        }
        return true
    }
}

extension PosixThread {
    /// Waits, without a deadline, for the thread to end.
    func joinWithoutDeadline() {
        if let thread = handle.withLock({ h -> pthread_t? in defer { h = nil }; return h }) {
            pthread_join(thread, nil)
        }
    }
}
