import Store

/// Waiting forms of the store's calls, so tests read top to bottom. Test-only: the daemon never waits on a
/// store call, and the CLI waits explicitly with `StoreCall.wait`.
extension StoreBackend {
    func user(id: Int64) throws(StoreError) -> User? { try StoreCall.wait { user(id: id, completion: $0) } }
    func user(username: String) throws(StoreError) -> User? { try StoreCall.wait { user(username: username, completion: $0) } }
    func users() throws(StoreError) -> [User] { try StoreCall.wait { users(completion: $0) } }
    func addUser(_ new: NewUser) throws(StoreError) -> User { try StoreCall.wait { addUser(new, completion: $0) } }
    func importUser(_ new: NewUser, id: Int64) throws(StoreError) -> User {
        try StoreCall.wait { importUser(new, id: id, completion: $0) }
    }
    func setPassword(username: String, hash: String) throws(StoreError) {
        try StoreCall.wait { setPassword(username: username, hash: hash, completion: $0) }
    }
    func setActive(username: String, _ active: Bool) throws(StoreError) {
        try StoreCall.wait { setActive(username: username, active, completion: $0) }
    }
    func deleteUser(username: String) throws(StoreError) { try StoreCall.wait { deleteUser(username: username, completion: $0) } }

    func groups() throws(StoreError) -> [Group] { try StoreCall.wait { groups(completion: $0) } }
    @discardableResult
    func addGroup(name: String) throws(StoreError) -> Group { try StoreCall.wait { addGroup(name: name, completion: $0) } }
    func deleteGroup(name: String) throws(StoreError) { try StoreCall.wait { deleteGroup(name: name, completion: $0) } }
    func addUser(username: String, toGroup group: String) throws(StoreError) {
        try StoreCall.wait { addUser(username: username, toGroup: group, completion: $0) }
    }
    func removeUser(username: String, fromGroup group: String) throws(StoreError) {
        try StoreCall.wait { removeUser(username: username, fromGroup: group, completion: $0) }
    }
    func groupNames(userID: Int64) throws(StoreError) -> [String] { try StoreCall.wait { groupNames(userID: userID, completion: $0) } }
    func groupNames(username: String) throws(StoreError) -> [String] {
        try StoreCall.wait { groupNames(username: username, completion: $0) }
    }

    func isBlacklisted(jti: String) throws(StoreError) -> Bool { try StoreCall.wait { isBlacklisted(jti: jti, completion: $0) } }
    func outstanding(jti: String) throws(StoreError) -> OutstandingToken? { try StoreCall.wait { outstanding(jti: jti, completion: $0) } }
    @discardableResult
    func recordOutstanding(_ token: TokenRecord, family: String? = nil, parentJTI: String? = nil) throws(StoreError) -> Bool {
        try StoreCall.wait { recordOutstanding(token, family: family, parentJTI: parentJTI, completion: $0) }
    }
    func recordLogin(_ token: TokenRecord, login: LoginUpdate) throws(StoreError) {
        try StoreCall.wait { recordLogin(token, login: login, completion: $0) }
    }
    @discardableResult
    func blacklist(_ token: TokenRecord, reason: BlacklistReason, now: Double) throws(StoreError) -> Bool {
        try StoreCall.wait { blacklist(token, reason: reason, now: now, completion: $0) }
    }
    func rotate(old: TokenRecord, new: TokenRecord, blacklistOld: Bool, grace: Double, now: Double) throws(StoreError) -> RotationOutcome {
        try StoreCall.wait { rotate(old: old, new: new, blacklistOld: blacklistOld, grace: grace, now: now, completion: $0) }
    }
    func reportReuse(jti: String, grace: Double, now: Double) throws(StoreError) -> RotationOutcome? {
        try StoreCall.wait { reportReuse(jti: jti, grace: grace, now: now, completion: $0) }
    }
    func flushExpired(now: Double) throws(StoreError) -> Int { try StoreCall.wait { flushExpired(now: now, completion: $0) } }

    func tokens(after jti: String?, limit: Int) throws(StoreError) -> [OutstandingToken] {
        try StoreCall.wait { tokens(after: jti, limit: limit, completion: $0) }
    }
    @discardableResult
    func importTokens(_ tokens: [OutstandingToken]) throws(StoreError) -> Int {
        try StoreCall.wait { importTokens(tokens, completion: $0) }
    }
}
