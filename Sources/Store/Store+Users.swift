extension Store {
    private static let userColumns =
        "id, username, password, is_active, is_staff, is_superuser, email, first_name, last_name, last_login, date_joined"

    private static func user(from row: SQLiteStatement) -> User {
        User(
            id: row.int64(0), username: row.text(1), passwordHash: row.text(2), isActive: row.bool(3),
            isStaff: row.bool(4), isSuperuser: row.bool(5), email: row.text(6), firstName: row.text(7),
            lastName: row.text(8), lastLogin: row.optionalDouble(9), dateJoined: row.double(10))
    }

    // MARK: Reads

    public func user(id: Int64) throws(StoreError) -> User? {
        try readers.withConnection { (c) throws(StoreError) -> User? in
            try c.first("SELECT \(Store.userColumns) FROM users WHERE id = ?", [.int(id)], Store.user(from:))
        }
    }

    public func user(username: String) throws(StoreError) -> User? {
        try readers.withConnection { (c) throws(StoreError) -> User? in
            try c.first("SELECT \(Store.userColumns) FROM users WHERE username = ?", [.text(username)], Store.user(from:))
        }
    }

    /// Every user, by id.
    public func users() throws(StoreError) -> [User] {
        try readers.withConnection { (c) throws(StoreError) -> [User] in
            try c.all("SELECT \(Store.userColumns) FROM users ORDER BY id", [], Store.user(from:))
        }
    }

    // MARK: Writes

    /// Adds a user; `.conflict` when the username is taken.
    public func addUser(_ new: NewUser) throws(StoreError) -> User {
        try Store.validate(new)
        return try writer.perform { (c) throws(StoreError) -> User in try Store.insert(new, c) }
    }

    public func addUser(_ new: NewUser, completion: @escaping @Sendable (Result<User, StoreError>) -> Void) {
        do throws(StoreError) { try Store.validate(new) } catch { return completion(.failure(error)) }
        writer.submit({ (c) throws(StoreError) -> User in try Store.insert(new, c) }, completion: completion)
    }

    /// Adds a user under a given id: importing from Django keeps primary keys, so tokens that carry
    /// `user_id` keep naming the same person.
    public func importUser(_ new: NewUser, id: Int64) throws(StoreError) -> User {
        try Store.validate(new)
        guard id > 0 else { throw StoreError(.invalidArgument, "a user id must be positive, not \(id)") }
        return try writer.perform { (c) throws(StoreError) -> User in try Store.insert(new, id: id, c) }
    }

    public func setPassword(username: String, hash: String) throws(StoreError) {
        try writer.perform { (c) throws(StoreError) in
            try Store.requireOneRow(
                c.run("UPDATE users SET password = ? WHERE username = ?", [.text(hash), .text(username)]),
                "no user named \(username)")
        }
    }

    /// Also the daemon's upgrade path: after a login whose hash `needsRehash`, store the new hash.
    public func setPassword(userID: Int64, hash: String) throws(StoreError) {
        try writer.perform(Store.setPasswordBody(userID: userID, hash: hash))
    }

    public func setPassword(userID: Int64, hash: String, completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        writer.submit(Store.setPasswordBody(userID: userID, hash: hash), completion: completion)
    }

    public func setActive(username: String, _ active: Bool) throws(StoreError) {
        try writer.perform { (c) throws(StoreError) in
            try Store.requireOneRow(
                c.run("UPDATE users SET is_active = ? WHERE username = ?", [.bool(active), .text(username)]),
                "no user named \(username)")
        }
    }

    /// Deletes the user; their outstanding tokens stay (with no user) until they expire, as in SimpleJWT.
    public func deleteUser(username: String) throws(StoreError) {
        try writer.perform { (c) throws(StoreError) in
            try Store.requireOneRow(c.run("DELETE FROM users WHERE username = ?", [.text(username)]), "no user named \(username)")
        }
    }

    /// UPDATE_LAST_LOGIN. `.notFound` when the user was deleted meanwhile.
    public func updateLastLogin(userID: Int64, at time: Double) throws(StoreError) {
        try Store.requireFinite(time, "last_login")
        try writer.perform(Store.lastLoginBody(userID: userID, at: time))
    }

    public func updateLastLogin(userID: Int64, at time: Double, completion: @escaping @Sendable (Result<Void, StoreError>) -> Void) {
        do throws(StoreError) { try Store.requireFinite(time, "last_login") } catch { return completion(.failure(error)) }
        writer.submit(Store.lastLoginBody(userID: userID, at: time), completion: completion)
    }

    // MARK: Bodies run on the writer connection

    private static func validate(_ new: NewUser) throws(StoreError) {
        guard !new.username.isEmpty else { throw StoreError(.invalidArgument, "the username must not be empty") }
        try requireFinite(new.dateJoined, "date_joined")
        try requireFinite(new.lastLogin, "last_login")
    }

    private static func insert(_ new: NewUser, id: Int64? = nil, _ c: SQLiteConnection) throws(StoreError) -> User {
        do throws(StoreError) {
            try c.run("""
                INSERT INTO users (id, username, password, is_active, is_staff, is_superuser, email, first_name,
                                   last_name, last_login, date_joined)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [id.map { .int($0) } ?? .null, .text(new.username), .text(new.passwordHash), .bool(new.isActive),
                 .bool(new.isStaff), .bool(new.isSuperuser), .text(new.email), .text(new.firstName),
                 .text(new.lastName), .optional(new.lastLogin), .real(new.dateJoined)])
        } catch where error.code == .conflict {
            if let id {
                throw StoreError(.conflict, "a user named \(new.username) or with id \(id) already exists")
            }
            throw StoreError(.conflict, "a user named \(new.username) already exists; choose another username")
        }
        return User(id: c.lastInsertRowID, new)
    }

    private static func setPasswordBody(userID: Int64, hash: String) -> @Sendable (SQLiteConnection) throws(StoreError) -> Void {
        { (c) throws(StoreError) in
            try requireOneRow(c.run("UPDATE users SET password = ? WHERE id = ?", [.text(hash), .int(userID)]), "no user with id \(userID)")
        }
    }

    private static func lastLoginBody(userID: Int64, at time: Double) -> @Sendable (SQLiteConnection) throws(StoreError) -> Void {
        { (c) throws(StoreError) in
            try requireOneRow(c.run("UPDATE users SET last_login = ? WHERE id = ?", [.real(time), .int(userID)]), "no user with id \(userID)")
        }
    }

    private static func requireOneRow(_ changed: Int, _ notFound: @autoclosure () -> String) throws(StoreError) {
        guard changed > 0 else { throw StoreError(.notFound, notFound()) }
    }
}
