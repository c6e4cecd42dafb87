import Platform
import Store

/// One store call waiting for, or running on, a connection: one statement, its parameters, and how its rows
/// become the caller's answer. Workers touch an operation from one thread at a time.
final class PostgresOperation: @unchecked Sendable {
    let statement: PostgresStatement
    let parameters: [String?]
    /// When it was queued (`MonotonicClock`), so a call never waits longer than the timeout for a connection.
    let queued = MonotonicClock.now()
    /// Runs after a deadlock or serialization failure, which says nothing about the operation itself.
    var attempts = 0
    /// Decodes the statement's rows into the answer (a value, or the operation's own error), kept until `finish`.
    let accept: (PostgresResult) -> Void
    /// Answers the caller: with what `accept` decoded, or with `failure`. Called exactly once.
    let finish: (_ failure: StoreError?) -> Void

    private init(_ statement: PostgresStatement, _ parameters: [String?], accept: @escaping (PostgresResult) -> Void,
                 finish: @escaping (StoreError?) -> Void) {
        self.statement = statement
        self.parameters = parameters
        self.accept = accept
        self.finish = finish
    }

    static func make<T: Sendable>(
        _ statement: PostgresStatement, _ parameters: [String?],
        decode: @escaping @Sendable (PostgresResult) throws(StoreError) -> T, completion: @escaping StoreCompletion<T>
    ) -> PostgresOperation {
        let box = AnswerBox<T>()
        return PostgresOperation(statement, parameters, accept: { result in
            box.answer = Result { () throws(StoreError) -> T in try decode(result) }
        }, finish: { failure in
            if let failure {
                completion(.failure(failure))
            } else {
                completion(box.answer ?? .failure(StoreError(.database, "PostgreSQL answered nothing for \(statement.name)")))
            }
        })
    }
}

/// The decoded answer, handed from `accept` to `finish` on the worker's thread.
private final class AnswerBox<T>: @unchecked Sendable {
    var answer: Result<T, StoreError>?
}
