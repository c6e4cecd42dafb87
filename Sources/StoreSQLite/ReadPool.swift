import Store
import Synchronization

/// Read connections for lookups (isBlacklisted, users). WAL lets readers run while the writer writes, so
/// lookups never queue behind the write transaction. A caller borrows an idle connection (or opens one when
/// none is idle: reads never wait for each other) and gives it back; at most `maxIdle` are kept open, each
/// with its own cache of prepared statements.
final class ReadPool: Sendable {
    private let path: String
    private let busyTimeoutMilliseconds: Int
    private let maxIdle: Int
    private let idle = Mutex<[SQLiteConnection]>([])

    init(path: String, busyTimeoutMilliseconds: Int, maxIdle: Int) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.maxIdle = max(1, maxIdle)
    }

    func withConnection<T>(_ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        let connection: SQLiteConnection
        if let reused = idle.withLock({ $0.popLast() }) {
            connection = reused
        } else {
            // query_only: a read connection can never write, even by mistake.
            connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, queryOnly: true)
        }
        defer {
            let maxIdle = self.maxIdle
            idle.withLock { connections in
                if connections.count < maxIdle { connections.append(connection) }
            }
        }
        return try body(connection)
    }
}
