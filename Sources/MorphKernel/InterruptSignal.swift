#if canImport(Glibc)
import Glibc
#endif
import MorphEngine

/// The write end of the pipe the SIGINT handler writes to (-1 until `route` runs). A plain global
/// with a constant initial value, so the signal handler reads it without lazy initialisation.
nonisolated(unsafe) private var interruptPipeWriteEnd: Int32 = -1

/// Routes SIGINT to a cancellation token: the signal interrupts the running cell instead of
/// killing the kernel (Jupyter front ends and terminals may signal the kernel process).
public enum InterruptSignal {
    /// Installs a SIGINT handler (it only writes a byte to a pipe, which is async-signal-safe) and
    /// starts a thread that reads the pipe and cancels `token` for each signal. Process-wide, so it
    /// works whichever thread the signal lands on (OpenBLAS and libzmq start threads of their own).
    public static func route(to token: CancellationToken) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        let readEnd = ends[0]
        interruptPipeWriteEnd = ends[1]
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            let saved = errno
            _ = write(interruptPipeWriteEnd, &byte, 1)
            errno = saved
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
        _ = PosixThread {
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n == 1 {
                    token.cancel()
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
