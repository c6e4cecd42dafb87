import Glibc

/// A closed-loop HTTP/1.1 load generator for wrk-like measurements over TCP and Unix sockets: a fixed number
/// of keep-alive connections, each sending its next request as soon as the previous answer arrived.
public enum LoadGenerator {
    /// Runs `plan` to completion (about `plan.duration` seconds) and reports what happened.
    public static func run(_ plan: LoadPlan) throws(LoadError) -> LoadReport {
        let plan = try plan.validated()
        let requests = RequestSet(plan)
        let start = MonotonicTime.now()
        let deadline = start + UInt64(plan.duration * 1e9)
        var workers: [LoadWorker] = []
        for index in 0..<plan.threads {
            // Spread the connections evenly: the first threads take one more when they do not divide.
            let share = plan.connections / plan.threads + (index < plan.connections % plan.threads ? 1 : 0)
            workers.append(LoadWorker(plan: plan, requests: requests, connections: share, deadline: deadline))
        }
        var threads: [pthread_t] = []
        var startFailure: Int32 = 0
        for worker in workers.dropFirst() {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(worker).toOpaque()
            let rc = pthread_create(&thread, nil, { context in
                guard let context else { return nil }
                Unmanaged<LoadWorker>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
            if rc != 0 {
                Unmanaged<LoadWorker>.fromOpaque(context).release()
                startFailure = rc
                break
            }
            threads.append(thread)
        }
        // The calling thread is the first worker; a failed thread start still lets the started ones finish.
        if startFailure == 0 { workers[0].run() }
        for thread in threads { pthread_join(thread, nil) }
        if startFailure != 0 {
            throw LoadError(.system, "could not start a client thread: \(Errno(startFailure).message); use fewer --threads")
        }
        let elapsed = Double(MonotonicTime.now() - start) / 1e9
        var tally = LoadTally()
        for worker in workers { tally.add(worker.tally) }
        return LoadReport(plan: plan, elapsed: elapsed, tally: tally,
                          bodiesReused: requests.count > 1 && requests.handedOut > requests.count)
    }
}
