import Store
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite
import Platform

/// Copies committed WAL pages back into the database file on its own thread and connection.
///
/// SQLite's automatic checkpoint runs inside the COMMIT that crosses 1000 WAL pages, on the committing
/// connection: it re-reads those pages, writes them into the database file and fsyncs it, while every caller
/// of that group commit waits. Profiling refresh rotation showed the writer thread spending about a third of
/// its time there. The writer turns auto-checkpointing off and nudges this thread after each commit instead;
/// PASSIVE checkpoints never block the writer or readers, and durability is unchanged (a commit is durable
/// once its WAL frames are fsynced; the checkpoint only moves them).
final class Checkpointer: @unchecked Sendable {
    /// Checkpoint once the WAL holds this many pages (SQLite's own default threshold).
    static let pageThreshold: Int32 = 1000
    /// Beyond this many WAL pages the writer completes a checkpoint itself (see WriteQueue), so the WAL
    /// restarts and stays bounded (about 16 MB) under any write load.
    static let writerThreshold: Int32 = 4000
    /// Pause after a checkpoint, so that a busy writer's commits are copied in batches, not one by one.
    static let pauseMicroseconds: UInt32 = 20_000

    // Guarded by `lock`.
    private let lock = ConditionLock()
    private var nudged = false
    private var stopping = false
    private var joined = false

    private let connection: SQLiteConnection
    private var thread: PlatformThread?  // written once in init, before the thread can run anything that reads it

    init(path: String, busyTimeoutMilliseconds: Int) throws(StoreError) {
        connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, queryOnly: false)
        do {
            thread = try PlatformThread.start(name: "authd-checkpt") { self.runLoop() }
        } catch {
            throw StoreError(.io, "could not start the store checkpoint thread: \(error); "
                + "the system is out of threads or memory")
        }
    }

    /// Called by the writer after a commit that left `walPages` pages in the WAL.
    func nudge(walPages: Int32) {
        guard walPages >= Self.pageThreshold else { return }
        lock.withLock {
            if !nudged {
                nudged = true
                lock.broadcast()
            }
        }
    }

    func shutdown() {
        let mustJoin = lock.withLock { () -> Bool in
            stopping = true
            lock.broadcast()
            defer { joined = true }
            return !joined
        }
        if mustJoin { thread?.join() }
    }

    private func runLoop() {
        while true {
            let stop = lock.withLock { () -> Bool in
                while !nudged && !stopping { lock.wait() }
                nudged = false
                return stopping
            }
            if stop { return }
            var logFrames: Int32 = 0, copied: Int32 = 0
            // A failure (SQLITE_BUSY from another process's checkpoint, I/O) only means the WAL stays longer;
            // the next nudge tries again, and SQLite checkpoints anyway when the last connection closes.
            _ = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied)
            usleep(Self.pauseMicroseconds)
        }
    }
}
