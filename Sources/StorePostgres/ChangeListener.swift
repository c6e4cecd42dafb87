#if canImport(Glibc)
import Glibc
#endif
import CPostgres
import Platform
import Store
import Synchronization

/// The store's change counter: bumped by the writers after each of their commits, and by a thread that LISTENs
/// on the schema's channel, where every instance's writers NOTIFY with each commit (the CLI's too). PostgreSQL
/// delivers a notification right after the commit that sent it, so another instance's change shows within
/// milliseconds. While the listening connection is down nothing can be heard, so the counter is bumped when it
/// is back: whatever happened meanwhile counts as a change.
final class ChangeListener: Sendable {
    /// The longest a change committed elsewhere takes to show while the database is reachable: a notification
    /// arrives at once, and the thread looks at least this often.
    static let latency: Double = 0.1

    private let counter = Atomic<UInt64>(1)
    private let loop = BackgroundLoop()
    private let configuration: PostgresConfiguration

    init(_ configuration: PostgresConfiguration) throws(StoreError) {
        self.configuration = configuration
        do {
            try loop.start(name: "authd-pg-listen") { [self] in listen() }
        } catch {
            throw StoreError(.io, "could not start the PostgreSQL change listener: \(error)")
        }
    }

    var version: UInt64 { counter.load(ordering: .acquiring) }

    /// A commit of this process's writers.
    func bump() { counter.add(1, ordering: .releasing) }

    func shutdown() { loop.stop() }

    private func listen() {
        var pause = PostgresWorker.initialBackoff
        var heardBefore = false
        while !loop.isStopping {
            guard let connection = try? subscribe() else {
                sleep(nanoseconds: pause)
                pause = min(pause * 2, PostgresWorker.maximumBackoff)
                continue
            }
            pause = PostgresWorker.initialBackoff
            // Changes made while nobody listened are unknown: count them as one.
            if heardBefore { bump() }
            heardBefore = true
            while !loop.isStopping, receive(on: connection) {}
        }
    }

    private func subscribe() throws(StoreError) -> PostgresConnection {
        let connection = try PostgresConnection.open(configuration)
        try connection.execute("LISTEN \"\(configuration.changeChannel)\"")
        return connection
    }

    /// Waits a little for notifications and counts them; false once the connection is lost.
    private func receive(on connection: PostgresConnection) -> Bool {
        var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(Self.latency * 1000))
        guard ready > 0 else { return ready == 0 || errno == EINTR }
        guard PQconsumeInput(connection.handle) == 1, !connection.isBroken else { return false }
        var heard = false
        while let notification = PQnotifies(connection.handle) {
            PQfreemem(notification)
            heard = true
        }
        if heard { bump() }
        return true
    }

    /// Sleeps in short steps so that `shutdown` never waits long.
    private func sleep(nanoseconds: UInt64) {
        let deadline = MonotonicClock.now() + nanoseconds
        while !loop.isStopping, MonotonicClock.now() < deadline {
            usleep(20_000)
        }
    }
}
