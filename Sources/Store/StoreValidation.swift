/// Checks every backend applies before a value reaches its database, so bad input gets the same
/// `.invalidArgument` on each of them, never a crash or a database error.
public enum StoreValidation {
    public static func requireFinite(_ value: Double, _ name: String) throws(StoreError) {
        guard value.isFinite else { throw StoreError(.invalidArgument, "\(name) must be a finite number of seconds, got \(value)") }
    }

    public static func requireFinite(_ value: Double?, _ name: String) throws(StoreError) {
        if let value { try requireFinite(value, name) }
    }

    public static func token(_ token: TokenRecord) throws(StoreError) {
        // SimpleJWT's jti column is a CharField(max_length=255).
        guard !token.jti.isEmpty, token.jti.utf8.count <= 255 else {
            throw StoreError(.invalidArgument, "a token id (jti) must be 1 to 255 bytes long")
        }
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
