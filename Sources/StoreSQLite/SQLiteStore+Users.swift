import Store

extension SQLiteStore {
    private static let userColumns =
        "id, username, password, is_active, is_staff, is_superuser, email, first_name, last_name, last_login, date_joined"

    private static func user(from row: SQLiteStatement) -> User {
        User(
            id: row.int64(0), username: row.text(1), passwordHash: row.text(2), isActive: row.bool(3),
            isStaff: row.bool(4), isSuperuser: row.bool(5), email: row.text(6), firstName: row.text(7),
            lastName: row.text(8), lastLogin: row.optionalDouble(9), dateJoined: row.double(10))
    }

    // MARK: Reads

    public func user(id: Int64, completion: @escaping StoreCompletion<User?>) {
        read(completion) { (c) throws(StoreError) -> User? in
            try c.first("SELECT \(SQLiteStore.userColumns) FROM users WHERE id = ?", [.int(id)], SQLiteStore.user(from:))
        }
    }

    public func user(username: String, completion: @escaping StoreCompletion<User?>) {
        read(completion) { (c) throws(StoreError) -> User? in
            try c.first("SELECT \(SQLiteStore.userColumns) FROM users WHERE username = ?", [.text(username)],
                        SQLiteStore.user(from:))
        }
    }

    public func users(completion: @escaping StoreCompletion<[User]>) {
        read(completion) { (c) throws(StoreError) -> [User] in
            try c.all("SELECT \(SQLiteStore.userColumns) FROM users ORDER BY id", [], SQLiteStore.user(from:))
        }
    }

    // MARK: Writes

    public func addUser(_ new: NewUser, completion: @escaping StoreCompletion<User>) {
        write(completion, validate: { () throws(StoreError) in try StoreValidation.newUser(new) }) { (c) throws(StoreError) -> User in
            try SQLiteStore.insert(new, c)
        }
    }

    public func importUser(_ new: NewUser, id: Int64, completion: @escaping StoreCompletion<User>) {
        write(completion, validate: { () throws(StoreError) in
            try StoreValidation.newUser(new)
            guard id > 0 else { throw StoreError(.invalidArgument, "a user id must be positive, not \(id)") }
        }) { (c) throws(StoreError) -> User in
            try SQLiteStore.insert(new, id: id, c)
        }
    }

    public func setPassword(username: String, hash: String, completion: @escaping StoreCompletion<Void>) {
        write(completion, validate: { () throws(StoreError) in try StoreValidation.storableText(hash, "the password hash") }) {
            (c) throws(StoreError) in
            try SQLiteStore.requireOneRow(
                c.run("UPDATE users SET password = ? WHERE username = ?", [.text(hash), .text(username)]),
                "no user named \(username)")
        }
    }

    public func setActive(username: String, _ active: Bool, completion: @escaping StoreCompletion<Void>) {
        write(completion) { (c) throws(StoreError) in
            try SQLiteStore.requireOneRow(
                c.run("UPDATE users SET is_active = ? WHERE username = ?", [.bool(active), .text(username)]),
                "no user named \(username)")
        }
    }

    public func deleteUser(username: String, completion: @escaping StoreCompletion<Void>) {
        write(completion) { (c) throws(StoreError) in
            try SQLiteStore.requireOneRow(c.run("DELETE FROM users WHERE username = ?", [.text(username)]),
                                          "no user named \(username)")
        }
    }

    // MARK: Bodies run on the writer connection

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

    static func requireOneRow(_ changed: Int, _ notFound: @autoclosure () -> String) throws(StoreError) {
        guard changed > 0 else { throw StoreError(.notFound, notFound()) }
    }
}
