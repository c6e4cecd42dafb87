import Platform
import StoreSQLite

/// Process-wide settings that make a serving daemon fast under load, applied once by `authd serve` before the
/// store opens. Both are measured (BENCHMARKS.md), and both only trade a little memory or bookkeeping for time:
/// - SQLite's memory statistics take a global mutex on every allocation (see `SQLiteLibrary`).
/// - glibc hands memory freed at the top of a thread's arena back to the kernel with madvise(DONTNEED) once
///   more than 128 KiB is free there. The store's writer thread frees that much on almost every group commit,
///   and each madvise shoots down TLBs on every CPU (an IPI per core, costly in VMs): about 15 % of refresh
///   throughput. Keeping up to 16 MiB per arena stops that churn; real idle memory stays far below it.
public enum ProcessTuning {
    public static func applyForServing() {
        SQLiteLibrary.disableMemoryStatistics()
        ProcessMemory.keepFreedMemory(upTo: 16 << 20)
    }
}
