import Metrics

extension Services {
    /// Registers what the long-lived parts measure: the hashing queue (depth and wait) and the store's commits.
    /// Called once by `serve`; the tools that open a store for a moment measure nothing.
    public func registerMetrics() {
        let pool = hashingPool
        metrics.gauge("authd_hashing_queue_depth", help: "Password-hashing jobs waiting for a worker.") {
            Double(pool.queued)
        }
        let wait = metrics.histogram("authd_hashing_queue_wait_seconds",
                                     help: "Time a password-hashing job waited for a worker.")
        pool.observeWaits { wait.observe(nanoseconds: $0) }
        let commits = metrics.histogram("authd_store_commit_duration_seconds",
                                        help: "Duration of the store's durable group commits (one serves many writes).")
        store.observeCommits { commits.observe(nanoseconds: $0) }
    }
}
