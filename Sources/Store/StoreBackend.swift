/// One database holding everything: what the daemon and the CLI open from the `store:` settings.
/// SQLite (`StoreSQLite`) is the embedded default; another backend implements the same protocols.
public protocol StoreBackend: UserStore, TokenStore, StoreAdmin, StoreChangeFeed, TokenTransfer {
    /// Where the data lives, for logs and messages ("/var/lib/authd/authd.sqlite3").
    var location: String { get }
    /// Finishes the writes already accepted; later calls answer `.closed`. Idempotent.
    func close()
    /// Reports how long each durable commit took (nanoseconds), for metrics. A default does nothing.
    func observeCommits(_ observer: @escaping @Sendable (_ nanoseconds: UInt64) -> Void)
}

extension StoreBackend {
    public func observeCommits(_ observer: @escaping @Sendable (_ nanoseconds: UInt64) -> Void) {}
}
