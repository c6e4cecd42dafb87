/// What a successful login changes on its user, written with the token it issues (`TokenStore.recordLogin`).
public struct LoginUpdate: Sendable, Equatable {
    public var userID: Int64
    /// UPDATE_LAST_LOGIN: the new `last_login`, or nil to leave it.
    public var lastLogin: Double?
    /// Django's check_password setter: the password re-hashed with the configured hasher and cost, or nil.
    public var passwordHash: String?

    public init(userID: Int64, lastLogin: Double? = nil, passwordHash: String? = nil) {
        self.userID = userID
        self.lastLogin = lastLogin
        self.passwordHash = passwordHash
    }

    /// Nothing to change on the user: only the token is recorded.
    public var changesUser: Bool { lastLogin != nil || passwordHash != nil }
}
