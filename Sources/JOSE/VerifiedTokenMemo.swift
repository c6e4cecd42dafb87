import Synchronization

/// The tokens a codec has recently verified, with their decoded header and claims, so that a token presented
/// again (a browser sends the same access token with every request it makes through forward auth) skips the
/// base64 decoding, the signature check and the JSON parse. Only what never changes for a token under one set of
/// keys is kept: the claims checks that depend on the time or the settings (`exp`, `nbf`, `iat`, `aud`, `iss`)
/// run again on every use. It belongs to one codec, whose keys never change, so a key change (a reload builds a
/// new codec) starts with an empty memo.
///
/// Bounded: two generations of at most `capacity` tokens each. When the current generation is full it becomes
/// the previous one and the older is dropped; a token found in the previous generation moves to the current one.
/// A token that failed any check is never kept.
final class VerifiedTokenMemo: Sendable {
    private struct Generations {
        var current: [String: JWT] = [:]
        var previous: [String: JWT] = [:]
    }

    let capacity: Int
    private let generations = Mutex(Generations())

    init(capacity: Int) {
        precondition(capacity > 0, "a memo needs room for at least one token")
        self.capacity = capacity
    }

    func lookup(_ token: String) -> JWT? {
        generations.withLock { memo in
            if let found = memo.current[token] { return found }
            guard let found = memo.previous.removeValue(forKey: token) else { return nil }
            Self.insert(token, found, into: &memo, capacity: capacity)
            return found
        }
    }

    func remember(_ token: String, _ jwt: JWT) {
        generations.withLock { memo in Self.insert(token, jwt, into: &memo, capacity: capacity) }
    }

    /// How many tokens are kept now (both generations).
    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }

    private static func insert(_ token: String, _ jwt: JWT, into memo: inout Generations, capacity: Int) {
        if memo.current.count >= capacity {
            memo.previous = memo.current
            memo.current = Dictionary(minimumCapacity: capacity)
        }
        memo.current[token] = jwt
    }
}
