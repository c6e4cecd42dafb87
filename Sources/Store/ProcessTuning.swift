import CSQLite

/// Process-wide settings that make the store fast under load, applied once before the first connection opens.
/// Both are measured (BENCHMARKS.md), and both only trade a little memory or bookkeeping for time:
/// - SQLite's memory statistics take a global mutex on every allocation, so the event loops (reads) and the
///   writer contend on it; authd never reads those statistics.
/// - glibc hands memory freed at the top of a thread's arena back to the kernel with madvise(DONTNEED) once
///   more than 128 KiB is free there. The writer thread frees that much on almost every group commit, and
///   each madvise shoots down TLBs on every CPU (an IPI per core, costly in VMs): about 15 % of refresh
///   throughput. Keeping up to 16 MiB per arena stops that churn; real idle memory stays far below it.
enum ProcessTuning {
    static let applied: Void = {
        // SQLITE_MISUSE if SQLite was initialised already (another component opened a database first):
        // then the default stays, which is only slower.
        _ = authd_sqlite_config_memstatus_off()
        _ = authd_malloc_trim_threshold(16 << 20)
    }()
}
