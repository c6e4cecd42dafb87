/// How every store call answers: once, with the value or a `StoreError`, on any thread.
///
/// A backend may call it before the call returns (SQLite answers reads on the caller's thread: a WAL read never
/// waits for a writer) or later on a thread of its own (writes answer after their group commit is durable).
/// Completions must be short and must never wait for another store call: hand real work to your own thread.
public typealias StoreCompletion<T> = @Sendable (Result<T, StoreError>) -> Void
