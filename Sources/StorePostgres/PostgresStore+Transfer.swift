import Store
import Synchronization

extension PostgresStore {
    static let tokensPage = PostgresStatement("tokens_page", "\(tokenColumns) WHERE o.jti > $1 ORDER BY o.jti LIMIT $2")
    static let importToken = PostgresStatement("import_token", "SELECT import_token($1, $2, $3, $4, $5, $6, $7, $8)")

    public func tokens(after jti: String?, limit: Int, completion: @escaping StoreCompletion<[OutstandingToken]>) {
        // Every stored jti sorts after the empty string (jtis are never empty).
        read(Self.tokensPage, [jti ?? "", String(max(0, limit))], completion) { (result) throws(StoreError) -> [OutstandingToken] in
            var page: [OutstandingToken] = []
            for row in 0..<result.rowCount { page.append(try Self.token(result, row)) }
            return page
        }
    }

    /// One write per token: they share group commits like any other writes.
    public func importTokens(_ tokens: [OutstandingToken], completion: @escaping StoreCompletion<Int>) {
        do throws(StoreError) {
            for token in tokens { try StoreValidation.imported(token) }
        } catch {
            return completion(.failure(error))
        }
        guard !tokens.isEmpty else { return completion(.success(0)) }
        let tally = Mutex<(waiting: Int, added: Int, failure: StoreError?)>((tokens.count, 0, nil))
        for token in tokens {
            let parameters = Self.parameters(token.record)
                + [token.family, token.parentJTI, SQLText.real(token.blacklistedAt), token.blacklistReason?.rawValue]
            write(Self.importToken, parameters, { (result: Result<Bool, StoreError>) in
                let done = tally.withLock { state -> (Int, StoreError?)? in
                    switch result {
                    case .success(let added): if added { state.added += 1 }
                    case .failure(let error): state.failure = state.failure ?? error
                    }
                    state.waiting -= 1
                    return state.waiting == 0 ? (state.added, state.failure) : nil
                }
                guard let (added, failure) = done else { return }
                completion(failure.map { .failure($0) } ?? .success(added))
            }) { (result) throws(StoreError) -> Bool in try result.bool(0, 0) }
        }
    }
}
