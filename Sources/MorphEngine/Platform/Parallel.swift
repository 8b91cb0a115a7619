import Dispatch

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
}
