#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// A bounded pool of worker threads for work that must never run on an event loop (password hashing, claims
/// hooks), so a flood of requests cannot queue unbounded work: `submit` refuses when `queueLimit` jobs are already
/// waiting, and the caller answers 503.
///
/// Fairness: jobs submitted with a `key` (a client address) wait in one queue per key, served round-robin, and
/// one key may hold at most `perKeyLimit` of the pool's places (running or waiting). So one client flooding the
/// pool gets 503s while another client's job still finds a place and is not queued behind the flood.
public final class WorkerPool: Sendable {
    public let workers: Int
    public let queueLimit: Int
    private let core: Core

    /// - Parameters:
    ///   - workers: threads working in parallel (at least 1); for hashing, about the number of cores.
    ///   - queueLimit: jobs allowed to wait beyond one per free worker (0: a job is refused when every worker is busy).
    ///   - name: the threads' name prefix (shown by top and gdb), numbered from 0.
    ///   - niceness: the workers' scheduling priority; 5 for throughput work such as hashing (see `start`).
    /// - perKeyLimit: places (running plus waiting) one key may hold; nil: half the pool's places, at least 1.
    public init(workers: Int, queueLimit: Int, name: String = "authd-hash", niceness: Int32 = 5, perKeyLimit: Int? = nil) {
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        let places = self.workers + self.queueLimit
        core = Core(queueLimit: self.queueLimit, perKeyLimit: max(1, perKeyLimit ?? places / 2))
        core.start(workers: self.workers, name: name, niceness: niceness)
    }

    /// Online CPUs: the default number of workers.
    public static var onlineCPUs: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    deinit { core.shutdown() }

    /// Queues `job` for a worker; false (and the job is dropped) when the queue is full or the pool is shut down.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool { core.admit(key: nil, job) == .accepted }

    /// Queues `job` in `key`'s queue (see "Fairness"); false when the pool is full or `key` holds its share.
    @discardableResult
    public func submit(key: String, _ job: @escaping @Sendable () -> Void) -> Bool { admit(key: key, job) == .accepted }

    /// What `admit` did with a job.
    public enum Admission: Sendable, Equatable {
        case accepted
        /// Refused: every place is taken (or the pool is shut down).
        case full
        /// Refused: the key already holds its share, while other keys would still find a place.
        case overShare
    }

    /// `submit(key:)`, saying why a job was refused.
    public func admit(key: String, _ job: @escaping @Sendable () -> Void) -> Admission { core.admit(key: key, job) }

    /// Jobs waiting for a worker (not counting those running).
    public var queued: Int { core.queued }

    /// Reports how long each job waited for a worker (nanoseconds), for metrics.
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
        private struct Job {
            let key: String?
            let run: @Sendable () -> Void
        }

        private struct State {
            /// One queue per key (nil: jobs without a key), and the keys with waiting jobs in round-robin order.
            var queues: [String?: [Job]] = [:]
            var turn: [String?] = []
            var waiting = 0
            /// Places (waiting or running) each key holds.
            var held: [String: Int] = [:]
            /// Workers running a job; the others are free to take one at once.
            var busyWorkers = 0
            var stopping = false
            var threads: [PlatformThread] = []
            var joined = false
            var waitObserver: (@Sendable (UInt64) -> Void)?

            mutating func push(_ job: Job) {
                if queues[job.key, default: []].isEmpty { turn.append(job.key) }
                queues[job.key, default: []].append(job)
                waiting += 1
                if let key = job.key { held[key, default: 0] += 1 }
            }

            /// The next job, taking keys in turn.
            mutating func pop() -> Job? {
                guard !turn.isEmpty else { return nil }
                let key = turn.removeFirst()
                var queue = queues[key] ?? []
                let job = queue.removeFirst()
                if queue.isEmpty { queues[key] = nil } else { queues[key] = queue; turn.append(key) }
                waiting -= 1
                return job
            }
        }

        private let queueLimit: Int
        private let perKeyLimit: Int
        private let state = Mutex(State())
        /// One signal per accepted job, plus one per worker at shutdown.
        private let available = DispatchSemaphore(value: 0)

        init(queueLimit: Int, perKeyLimit: Int) {
            self.queueLimit = queueLimit
            self.perKeyLimit = perKeyLimit
        }

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

        func admit(key: String?, _ job: @escaping @Sendable () -> Void) -> Admission {
            let admission = state.withLock { state -> Admission in
                // A job may always wait for a free worker; beyond those, at most queueLimit wait.
                let freeWorkers = state.threads.count - state.busyWorkers
                guard !state.stopping, !state.threads.isEmpty,
                      state.waiting < queueLimit + freeWorkers else { return .full }
                if let key, state.held[key, default: 0] >= perKeyLimit { return .overShare }
                if let observe = state.waitObserver {
                    let queuedAt = MonotonicClock.now()
                    state.push(Job(key: key, run: {
                        observe(MonotonicClock.now() &- queuedAt)
                        job()
                    }))
                } else {
                    state.push(Job(key: key, run: job))
                }
                return .accepted
            }
            if admission == .accepted { available.signal() }
            return admission
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
                let job = state.withLock { state -> Job? in
                    guard let job = state.pop() else { return nil }
                    state.busyWorkers += 1
                    return job
                }
                guard let job else { return }  // a shutdown signal with nothing left to run
                job.run()
                state.withLock { state in
                    state.busyWorkers -= 1
                    if let key = job.key {
                        if let held = state.held[key], held > 1 { state.held[key] = held - 1 } else { state.held[key] = nil }
                    }
                }
            }
        }
    }
}
