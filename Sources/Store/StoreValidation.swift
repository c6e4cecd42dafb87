/// Checks every backend applies before a value reaches its database, so bad input gets the same
/// `.invalidArgument` on each of them, never a crash or a database error.
public enum StoreValidation {
    public static func requireFinite(_ value: Double, _ name: String) throws(StoreError) {
        guard value.isFinite else { throw StoreError(.invalidArgument, "\(name) must be a finite number of seconds, got \(value)") }
    }

    public static func requireFinite(_ value: Double?, _ name: String) throws(StoreError) {
        if let value { try requireFinite(value, name) }
    }

    /// PostgreSQL's text type cannot hold a NUL character (and a C string would end there, silently naming
    /// another key), and Django never stores one: every backend refuses it alike. A look-up by a key with a NUL
    /// simply finds nothing.
    public static func storableText(_ value: String, _ name: String) throws(StoreError) {
        guard !value.utf8.contains(0) else {
            throw StoreError(.invalidArgument, "\(name) must not contain a NUL character")
        }
    }

    public static func storableText(_ value: String?, _ name: String) throws(StoreError) {
        if let value { try storableText(value, name) }
    }

    public static func token(_ token: TokenRecord) throws(StoreError) {
        // SimpleJWT's jti column is a CharField(max_length=255).
        guard !token.jti.isEmpty, token.jti.utf8.count <= 255 else {
            throw StoreError(.invalidArgument, "a token id (jti) must be 1 to 255 bytes long")
        }
        try storableText(token.jti, "a token id (jti)")
        try requireFinite(token.expiresAt, "expires_at")
        try requireFinite(token.createdAt, "created_at")
    }

    public static func rotation(old: TokenRecord, new: TokenRecord, grace: Double, now: Double) throws(StoreError) {
        try token(old)
        try token(new)
        try requireFinite(now, "now")
        try requireFinite(grace, "grace")
        guard old.jti != new.jti else {
            throw StoreError(.invalidArgument, "the new token must have a new jti")
        }
    }

    public static func newUser(_ new: NewUser) throws(StoreError) {
        guard !new.username.isEmpty else { throw StoreError(.invalidArgument, "the username must not be empty") }
        try storableText(new.username, "the username")
        try storableText(new.passwordHash, "the password hash")
        try storableText(new.email, "the e-mail address")
        try storableText(new.firstName, "the first name")
        try storableText(new.lastName, "the last name")
        try requireFinite(new.dateJoined, "date_joined")
        try requireFinite(new.lastLogin, "last_login")
    }

    public static func groupName(_ name: String) throws(StoreError) {
        guard !name.isEmpty, name.count <= Group.maxNameLength else {
            throw StoreError(.invalidArgument, "a group name has 1 to \(Group.maxNameLength) characters")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw StoreError(.invalidArgument, "a group name must not contain control characters")
        }
    }
}

extension StoreValidation {
    /// A token as `TokenTransfer.importTokens` takes it: a valid record, family and parent, and a blacklist time
    /// and reason that come together.
    public static func imported(_ token: OutstandingToken) throws(StoreError) {
        try self.token(token.record)
        guard !token.family.isEmpty else { throw StoreError(.invalidArgument, "token \(token.record.jti) has no family") }
        try storableText(token.family, "the family")
        try storableText(token.parentJTI, "the parent jti")
        try requireFinite(token.blacklistedAt, "blacklisted_at")
        guard (token.blacklistedAt == nil) == (token.blacklistReason == nil) else {
            throw StoreError(.invalidArgument, "token \(token.record.jti) has a blacklist time without a reason or the reverse")
        }
    }
}
