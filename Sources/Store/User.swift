/// An account, with the same fields as Django's `auth.User` (minus groups and permissions).
/// Times are seconds since the Unix epoch.
public struct User: Sendable, Equatable {
    public var id: Int64
    /// Case-sensitive, like Django's default username field.
    public var username: String
    /// A Django-format password hash (`pbkdf2_sha256$…`, `scrypt$…`, or an unusable `!…`).
    public var passwordHash: String
    public var isActive: Bool
    public var isStaff: Bool
    public var isSuperuser: Bool
    public var email: String
    public var firstName: String
    public var lastName: String
    public var lastLogin: Double?
    public var dateJoined: Double

    public init(
        id: Int64, username: String, passwordHash: String, isActive: Bool = true, isStaff: Bool = false,
        isSuperuser: Bool = false, email: String = "", firstName: String = "", lastName: String = "",
        lastLogin: Double? = nil, dateJoined: Double
    ) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.isActive = isActive
        self.isStaff = isStaff
        self.isSuperuser = isSuperuser
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.lastLogin = lastLogin
        self.dateJoined = dateJoined
    }
}

extension User {
    /// The user `new` became once stored under `id`.
    public init(id: Int64, _ new: NewUser) {
        self.init(id: id, username: new.username, passwordHash: new.passwordHash, isActive: new.isActive,
                  isStaff: new.isStaff, isSuperuser: new.isSuperuser, email: new.email, firstName: new.firstName,
                  lastName: new.lastName, lastLogin: new.lastLogin, dateJoined: new.dateJoined)
    }
}

/// A user to be added; the store assigns the id.
public struct NewUser: Sendable, Equatable {
    public var username: String
    public var passwordHash: String
    public var isActive: Bool
    public var isStaff: Bool
    public var isSuperuser: Bool
    public var email: String
    public var firstName: String
    public var lastName: String
    public var lastLogin: Double?
    public var dateJoined: Double

    public init(
        username: String, passwordHash: String, isActive: Bool = true, isStaff: Bool = false,
        isSuperuser: Bool = false, email: String = "", firstName: String = "", lastName: String = "",
        lastLogin: Double? = nil, dateJoined: Double
    ) {
        self.username = username
        self.passwordHash = passwordHash
        self.isActive = isActive
        self.isStaff = isStaff
        self.isSuperuser = isSuperuser
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.lastLogin = lastLogin
        self.dateJoined = dateJoined
    }
}
