import Platform

/// A closed-loop HTTP/1.1 load generator for wrk-like measurements over TCP and Unix sockets: a fixed number
/// of keep-alive connections, each sending its next request as soon as the previous answer arrived.
public enum LoadGenerator {
    /// Runs `plan` to completion (about `plan.duration` seconds) and reports what happened.
    public static func run(_ plan: LoadPlan) throws(LoadError) -> LoadReport {
        let plan = try plan.validated()
        let requests = RequestSet(plan)
        let start = MonotonicClock.now()
        let deadline = start + MonotonicClock.nanoseconds(plan.duration)
        var workers: [LoadWorker] = []
        for index in 0..<plan.threads {
            // Spread the connections evenly: the first threads take one more when they do not divide.
            let share = plan.connections / plan.threads + (index < plan.connections % plan.threads ? 1 : 0)
            workers.append(LoadWorker(plan: plan, requests: requests, connections: share, deadline: deadline))
        }
        var threads: [PlatformThread] = []
        var startFailure: SystemCallError?
        for (index, worker) in workers.enumerated().dropFirst() {
            do {
                threads.append(try PlatformThread.start(name: "authd-load-\(index)") { worker.run() })
            } catch {
                startFailure = error
                break
            }
        }
        // The calling thread is the first worker; a failed thread start still lets the started ones finish.
        if startFailure == nil { workers[0].run() }
        for thread in threads { thread.join() }
        if let startFailure {
            throw LoadError(.system, "could not start a client thread: \(startFailure); use fewer --threads")
        }
        let elapsed = Double(MonotonicClock.now() - start) / 1e9
        var tally = LoadTally()
        for worker in workers { tally.add(worker.tally) }
        return LoadReport(plan: plan, elapsed: elapsed, tally: tally,
                          bodiesReused: requests.count > 1 && requests.handedOut > requests.count)
    }
}
