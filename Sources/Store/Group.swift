/// A named set of users, like Django's `auth.Group` without permissions. Names are case-sensitive.
public struct Group: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// How many users belong to it (when listed).
    public var memberCount: Int

    public init(id: Int64, name: String, memberCount: Int = 0) {
        self.id = id
        self.name = name
        self.memberCount = memberCount
    }

    /// Django's `Group.name` is a CharField(max_length=150).
    public static let maxNameLength = 150
}
