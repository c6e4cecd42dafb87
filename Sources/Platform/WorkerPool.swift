#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// A bounded pool of worker threads for work that must never run on an event loop (password hashing, claims
/// hooks), so a flood of requests cannot queue unbounded work: `submit` refuses when `queueLimit` jobs are already
/// waiting, and the caller answers 503.
public final class WorkerPool: Sendable {
    public let workers: Int
    public let queueLimit: Int
    private let core: Core

    /// - Parameters:
    ///   - workers: threads working in parallel (at least 1); for hashing, about the number of cores.
    ///   - queueLimit: jobs allowed to wait beyond one per free worker (0: a job is refused when every worker is busy).
    ///   - name: the threads' name prefix (shown by top and gdb), numbered from 0.
    ///   - niceness: the workers' scheduling priority; 5 for throughput work such as hashing (see `start`).
    public init(workers: Int, queueLimit: Int, name: String = "authd-hash", niceness: Int32 = 5) {
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        core = Core(queueLimit: self.queueLimit)
        core.start(workers: self.workers, name: name, niceness: niceness)
    }

    /// Online CPUs: the default number of workers.
    public static var onlineCPUs: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    deinit { core.shutdown() }

    /// Queues `job` for a worker; false (and the job is dropped) when the queue is full or the pool is shut down.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool { core.submit(job) }

    /// Jobs waiting for a worker (not counting those running).
    public var queued: Int { core.queued }

    /// Reports, for every job accepted from now on, how long it waited for a worker (nanoseconds), on the worker
    /// thread just before the job runs. For metrics; one observer at a time, the last one set wins.
    public func observeWaits(_ observer: @escaping @Sendable (_ nanoseconds: UInt64) -> Void) {
        core.observeWaits(observer)
    }

    /// Stops accepting jobs, lets the workers finish every job already accepted, and waits for them.
    public func shutdown() { core.shutdown() }
}

extension WorkerPool {
    /// The state shared with the worker threads. The threads keep the core alive, not the pool, so dropping
    /// the last reference to the pool still runs its `deinit` and shuts the threads down.
    fileprivate final class Core: Sendable {
        private struct State {
            var jobs: [@Sendable () -> Void] = []
            var head = 0
            /// Workers running a job; the others are free to take one at once.
            var busyWorkers = 0
            var stopping = false
            var threads: [PlatformThread] = []
            var joined = false
            var waitObserver: (@Sendable (UInt64) -> Void)?
            var waiting: Int { jobs.count - head }
        }

        private let queueLimit: Int
        private let state = Mutex(State())
        /// One signal per accepted job, plus one per worker at shutdown.
        private let available = DispatchSemaphore(value: 0)

        init(queueLimit: Int) { self.queueLimit = queueLimit }

        func start(workers: Int, name: String, niceness: Int32) {
            for index in 0..<workers {
                do {
                    // Hashing is throughput work; answering requests is latency work. A lower priority (nice 5,
                    // for the worker thread only) lets the event loops always win the CPU, so a login storm slows
                    // the logins, not verify and refresh.
                    let thread = try PlatformThread.start(name: "\(name)-\(index)", niceness: niceness) { self.work() }
                    state.withLock { $0.threads.append(thread) }
                } catch {
                    // Fewer workers than asked; with none, submit keeps refusing, which the caller reports as 503.
                }
            }
        }

        func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
            let accepted = state.withLock { state -> Bool in
                // A job may always wait for a free worker; beyond those, at most queueLimit wait.
                let freeWorkers = state.threads.count - state.busyWorkers
                guard !state.stopping, !state.threads.isEmpty,
                      state.waiting < queueLimit + freeWorkers else { return false }
                if let observe = state.waitObserver {
                    let queuedAt = MonotonicClock.now()
                    state.jobs.append {
                        observe(MonotonicClock.now() &- queuedAt)
                        job()
                    }
                } else {
                    state.jobs.append(job)
                }
                return true
            }
            if accepted { available.signal() }
            return accepted
        }

        var queued: Int { state.withLock { $0.waiting } }

        func observeWaits(_ observer: @escaping @Sendable (UInt64) -> Void) {
            state.withLock { $0.waitObserver = observer }
        }

        func shutdown() {
            let threads = state.withLock { state -> [PlatformThread] in
                state.stopping = true
                defer { state.joined = true }
                return state.joined ? [] : state.threads
            }
            for _ in threads { available.signal() }
            for thread in threads {
                // A job that shuts its own pool down must not wait for itself.
                if thread.isCurrent { thread.detach() } else { thread.join() }
            }
        }

        private func work() {
            while true {
                available.wait()
                let job = state.withLock { state -> (@Sendable () -> Void)? in
                    guard state.head < state.jobs.count else { return nil }
                    state.busyWorkers += 1
                    let job = state.jobs[state.head]
                    state.head += 1
                    // Compact now and then so the array does not grow forever.
                    if state.head > 64 && state.head * 2 > state.jobs.count {
                        state.jobs.removeFirst(state.head)
                        state.head = 0
                    }
                    return job
                }
                guard let job else { return }  // a shutdown signal with nothing left to run
                job()
                state.withLock { $0.busyWorkers -= 1 }
            }
        }
    }
}
