#if canImport(Glibc)
import Glibc
#endif
import MorphEngine

/// Routes SIGINT to a cancellation token: the signal interrupts the running cell instead of
/// killing the kernel (Jupyter front ends may signal the kernel process).
public enum InterruptSignal {
    /// Blocks SIGINT in the calling thread (call first thing on the main thread, before any other
    /// thread starts, so that all inherit the mask) and starts a thread that waits for the signal
    /// with `sigwait` and cancels `token` each time it arrives.
    public static func route(to token: CancellationToken) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        _ = PosixThread {
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            while true {
                var received: Int32 = 0
                if sigwait(&signals, &received) == 0, received == SIGINT { token.cancel() }
            }
        }
    }
}
