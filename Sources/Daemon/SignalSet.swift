#if canImport(Glibc)
import Glibc
#endif

/// The daemon's signals, handled synchronously: blocked in every thread (the mask is inherited, so this must run
/// before any thread starts) and collected with `sigwait` on the main thread.
public enum SignalSet {
    public static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    public static func blockHandledSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for the next handled signal.
    public static func next() -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }
}
