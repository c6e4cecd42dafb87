#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import Platform
import Store
import Synchronization

/// The store's change counter: bumped by the writer after each of its commits, and by a thread that polls
/// SQLite's `PRAGMA data_version` on a connection of its own, which changes whenever another connection
/// (the CLI, another daemon) commits. A reader compares counters; no request ever touches SQLite for it.
final class ChangeWatcher: Sendable {
    /// How often other processes' commits are looked for.
    static let interval: Double = 0.05

    private let counter = Atomic<UInt64>(1)
    private let loop = BackgroundLoop()

    init(path: String, busyTimeoutMilliseconds: Int) throws(StoreError) {
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, queryOnly: true)
        do {
            try loop.start(name: "authd-changes") { [self] in watch(connection) }
        } catch {
            throw StoreError(.io, "could not start the store change watcher: \(error)")
        }
    }

    var version: UInt64 { counter.load(ordering: .acquiring) }

    /// A commit of this process's writer.
    func bump() { counter.add(1, ordering: .releasing) }

    func shutdown() { loop.stop() }

    private func watch(_ connection: SQLiteConnection) {
        var seen: Int64?
        let pause = UInt32(Self.interval * 1_000_000)
        while !loop.isStopping {
            // A failed read (a busy file, an I/O error) only delays noticing a change until the next round.
            if let current = try? connection.first("PRAGMA data_version", [], { $0.int64(0) }) {
                if let seen, seen != current { bump() }
                seen = current
            }
            usleep(pause)
        }
    }
}
