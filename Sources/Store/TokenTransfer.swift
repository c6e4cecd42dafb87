/// Moving every recorded token from one store to another (`authd store copy`), with its family, parent and
/// blacklist state, so rotation chains and reuse detection carry over.
public protocol TokenTransfer: Sendable {
    /// Up to `limit` recorded tokens whose jti sorts after `jti` (byte order), in that order; nil starts at the
    /// beginning. An empty page means there are no more.
    func tokens(after jti: String?, limit: Int, completion: @escaping StoreCompletion<[OutstandingToken]>)

    /// Records tokens exactly as given: family, parent, times and blacklist row included. A jti already recorded is
    /// left as it is (so an interrupted copy can simply run again); a user id that does not exist is stored as
    /// none. Answers, once every token is durable, how many were added; on a failure, those written before it stay.
    func importTokens(_ tokens: [OutstandingToken], completion: @escaping StoreCompletion<Int>)
}
