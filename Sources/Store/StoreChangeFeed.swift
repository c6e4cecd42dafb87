/// Tells cheaply whether anything in the store changed, so a cached view (users' active state, the blacklist)
/// can be rebuilt only when needed.
public protocol StoreChangeFeed: Sendable {
    /// Grows whenever a change is committed: at once for this process's own writes, and within
    /// `changeLatency` for another process's (the CLI, another instance). Reading it costs no I/O.
    var changeVersion: UInt64 { get }
    /// How long a change committed elsewhere may take to show in `changeVersion`, in seconds.
    var changeLatency: Double { get }
}
