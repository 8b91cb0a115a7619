import Dispatch
import Glibc

/// The engine's own parallel loops: a range split into one contiguous chunk per thread.
///
/// The split depends only on the thread count (`BLAS.threadCount`), so results are
/// identical for the same count; small ranges run inline.
enum Parallel {
    /// Elements per chunk below which elementwise loops stay on one thread.
    static let elementwiseGrain = 1 << 15

    /// Runs `body` on contiguous sub-ranges of 0..<count covering it exactly once.
    static func forEachChunk(_ count: Int, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = min(BLAS.threadCount, max(1, count / max(1, minimumPerChunk)))
        if threads <= 1 || count < 2 {
            if count > 0 { body(0..<count) }
            return
        }
        // The chunks are disjoint by construction; callers write only inside their chunk.
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let lo = count * t / threads, hi = count * (t + 1) / threads
            if lo < hi { work(lo..<hi) }
        }
    }

    /// The shares `forEachShare` splits 0..<count into: one per thread, each at least
    /// `minimumPerShare` long where possible (depends only on the thread count).
    static func shares(of count: Int, minimumPerShare: Int = 1) -> [Range<Int>] {
        let threads = min(BLAS.threadCount, max(1, count / max(1, minimumPerShare)))
        return (0..<threads).map { count * $0 / threads ..< count * ($0 + 1) / threads }
    }

    /// Runs `body(index, share)` for each of `shares`, each on its own thread working alone: its
    /// matrix products single-threaded and its parallel loops inline (data parallelism, where
    /// threaded products would split work too small to share well). With one share, inline.
    static func forEachShare(_ shares: [Range<Int>], _ body: (_ index: Int, _ share: Range<Int>) -> Void) {
        if shares.count <= 1 {
            for (index, share) in shares.enumerated() where !share.isEmpty { body(index, share) }
            return
        }
        // Each share writes only its own outputs (callers' contract); the flag is thread-local.
        nonisolated(unsafe) let work = body
        BLAS.withSingleThreadedProducts {
            DispatchQueue.concurrentPerform(iterations: shares.count) { index in
                guard !shares[index].isEmpty else { return }
                ShareFlag.isSet = true
                defer { ShareFlag.isSet = false }
                work(index, shares[index])
            }
        }
    }
}

/// Whether the current thread is running a share of `Parallel.forEachShare` (a thread-local flag).
enum ShareFlag {
    // Should the key not be created (the process is out of keys), the flag reads false and shares
    // only lose their inline loops, not correctness.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var isSet: Bool {
        get { pthread_getspecific(key) != nil }
        set { pthread_setspecific(key, newValue ? UnsafeRawPointer(bitPattern: 1) : nil) }
    }
}
