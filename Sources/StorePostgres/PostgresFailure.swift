import Store

/// A failed statement, sorted by what the caller should do about it: the SQLSTATE class decides.
enum PostgresFailure: Error {
    /// Not run: an earlier statement of the same pipeline failed.
    case aborted
    /// The connection is unusable (lost, server shutting down, too many connections): every operation on it fails,
    /// and the worker connects again.
    case connection(StoreError)
    /// Deadlock or serialization failure: nothing was wrong with the operation; running it again succeeds.
    case transient(StoreError)
    /// The operation's own error (a unique value taken, a value refused, a statement timeout…).
    case statement(StoreError)

    init(sqlState: String, message: String) {
        let detail = "PostgreSQL: \(message) (SQLSTATE \(sqlState))"
        switch sqlState {
        case "23505":
            self = .statement(StoreError(.conflict, "a unique value is already taken (\(detail))"))
        case "40001", "40P01":
            self = .transient(StoreError(.busy, "\(detail); retry"))
        case "57014":
            self = .statement(StoreError(.busy, "\(detail): the statement ran longer than store.postgres.timeout"))
        case "55P03":
            self = .statement(StoreError(.busy, "\(detail): a lock was held too long by another session"))
        case "53300", "57P01", "57P02", "57P03":
            self = .connection(StoreError(.unavailable, "\(detail); authd reconnects when the server is back"))
        case "42501":
            self = .statement(StoreError(.database, "\(detail): grant the authd role the privileges README "
                + "\"Several instances\" lists"))
        default:
            switch sqlState.prefix(2) {
            case "08":
                self = .connection(StoreError(.unavailable, "\(detail); authd reconnects when the server is back"))
            case "22", "23":
                self = .statement(StoreError(.invalidArgument, "a value was rejected by the schema (\(detail))"))
            case "53", "58":
                self = .statement(StoreError(.io, "\(detail); check the database server's disk and memory"))
            default:
                self = .statement(StoreError(.database, detail))
            }
        }
    }

    var error: StoreError {
        switch self {
        case .aborted: return StoreError(.database, "not run: an earlier statement of the same transaction failed")
        case .connection(let error), .transient(let error), .statement(let error): return error
        }
    }
}
