/// SimpleJWT's USER_ID_FIELD: which user column becomes the user id claim. authd's user store has
/// `id` (integer primary key) and `username`.
public struct UserIDField: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    private init(_ name: String) { self.name = name }

    public static let id = UserIDField("id")
    public static let username = UserIDField("username")
    public static let all: [UserIDField] = [.id, .username]

    public var description: String { name }
}
