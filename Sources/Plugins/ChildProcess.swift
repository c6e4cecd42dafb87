#if canImport(Glibc)
import Glibc
#endif
import Platform

/// A spawned process, owned until reaped: whoever drops it without `wait` kills its process group and reaps
/// it, so no path leaves a zombie or a runaway hook behind.
final class ChildProcess {
    let pid: pid_t
    private var reaped = false

    init(pid: pid_t) { self.pid = pid }

    /// How the process ended.
    enum Termination: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Reaps the process if it has ended; nil while it runs.
    func poll() -> Termination? {
        guard !reaped else { return nil }
        var status: Int32 = 0
        let ended: Int
        do {
            ended = try SystemCall.value("waitpid") { Int(waitpid(pid, &status, WNOHANG)) }
        } catch {
            // ECHILD: somebody else reaped it (cannot happen in authd, which reaps only its own children).
            reaped = true
            return .exited(-1)
        }
        if ended == 0 { return nil }  // still running
        reaped = true
        return Self.termination(status)
    }

    /// SIGKILL to the process and its group (the hook's own children), then reap it.
    func kill() {
        guard !reaped else { return }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = try? SystemCall.value("waitpid") { Int(waitpid(pid, &status, 0)) }
        reaped = true
    }

    deinit { kill() }

    /// The `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG` macros, which Swift does not import.
    private static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }
}
