/// SimpleJWT's USER_ID_FIELD: which user column becomes the user id claim. authd's user store has
/// `id` (integer primary key) and `username`.
public enum UserIDField: String, Sendable, CaseIterable, CustomStringConvertible {
    case id, username

    public var description: String { rawValue }
}
