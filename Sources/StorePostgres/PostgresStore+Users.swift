import Store

extension PostgresStore {
    static let userColumns =
        "id, username, password, is_active, is_staff, is_superuser, email, first_name, last_name, last_login, date_joined"

    static let userByID = PostgresStatement("user_by_id", "SELECT \(userColumns) FROM users WHERE id = $1")
    static let userByName = PostgresStatement("user_by_name", "SELECT \(userColumns) FROM users WHERE username = $1")
    static let allUsers = PostgresStatement("users", "SELECT \(userColumns) FROM users ORDER BY id")
    static let addUser = PostgresStatement("add_user", """
        INSERT INTO users (username, password, is_active, is_staff, is_superuser, email, first_name, last_name,
                           last_login, date_joined)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT DO NOTHING RETURNING id
        """)
    static let importUser = PostgresStatement("import_user", "SELECT import_user($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
    static let setPassword = PostgresStatement("set_password", "UPDATE users SET password = $2 WHERE username = $1")
    static let setActive = PostgresStatement("set_active", "UPDATE users SET is_active = $2 WHERE username = $1")
    /// The user's tokens stay, without a user (SimpleJWT's SET NULL; the token tables have no foreign keys).
    static let deleteUser = PostgresStatement("delete_user", """
        WITH gone AS (DELETE FROM users WHERE username = $1 RETURNING id),
             cleared AS (UPDATE outstanding_tokens SET user_id = NULL WHERE user_id IN (SELECT id FROM gone))
        SELECT count(*) FROM gone
        """)

    static func users(from result: PostgresResult) throws(StoreError) -> [User] {
        var users: [User] = []
        for row in 0..<result.rowCount {
            users.append(User(
                id: try result.int64(row, 0), username: result.text(row, 1), passwordHash: result.text(row, 2),
                isActive: try result.bool(row, 3), isStaff: try result.bool(row, 4), isSuperuser: try result.bool(row, 5),
                email: result.text(row, 6), firstName: result.text(row, 7), lastName: result.text(row, 8),
                lastLogin: try result.optionalDouble(row, 9), dateJoined: try result.double(row, 10)))
        }
        return users
    }

    // MARK: Reads

    public func user(id: Int64, completion: @escaping StoreCompletion<User?>) {
        read(Self.userByID, [SQLText.int(id)], completion) { (result) throws(StoreError) -> User? in
            try Self.users(from: result).first
        }
    }

    public func user(username: String, completion: @escaping StoreCompletion<User?>) {
        guard SQLText.isStorable(username) else { return completion(.success(nil)) }
        read(Self.userByName, [username], completion) { (result) throws(StoreError) -> User? in
            try Self.users(from: result).first
        }
    }

    public func users(completion: @escaping StoreCompletion<[User]>) {
        read(Self.allUsers, [], completion) { (result) throws(StoreError) -> [User] in try Self.users(from: result) }
    }

    // MARK: Writes

    public func addUser(_ new: NewUser, completion: @escaping StoreCompletion<User>) {
        write(Self.addUser, [new.username, new.passwordHash, SQLText.bool(new.isActive), SQLText.bool(new.isStaff),
                             SQLText.bool(new.isSuperuser), new.email, new.firstName, new.lastName,
                             SQLText.real(new.lastLogin), SQLText.real(new.dateJoined)], completion,
              validate: { () throws(StoreError) in try StoreValidation.newUser(new) }) { (result) throws(StoreError) -> User in
            guard result.rowCount == 1 else {
                throw StoreError(.conflict, "a user named \(new.username) already exists; choose another username")
            }
            return User(id: try result.int64(0, 0), new)
        }
    }

    public func importUser(_ new: NewUser, id: Int64, completion: @escaping StoreCompletion<User>) {
        write(Self.importUser, [SQLText.int(id), new.username, new.passwordHash, SQLText.bool(new.isActive),
                                SQLText.bool(new.isStaff), SQLText.bool(new.isSuperuser), new.email, new.firstName,
                                new.lastName, SQLText.real(new.lastLogin), SQLText.real(new.dateJoined)], completion,
              validate: { () throws(StoreError) in
                  try StoreValidation.newUser(new)
                  guard id > 0 else { throw StoreError(.invalidArgument, "a user id must be positive, not \(id)") }
              }) { (result) throws(StoreError) -> User in
            guard try result.bool(0, 0) else {
                throw StoreError(.conflict, "a user named \(new.username) or with id \(id) already exists")
            }
            return User(id: id, new)
        }
    }

    public func setPassword(username: String, hash: String, completion: @escaping StoreCompletion<Void>) {
        guard SQLText.isStorable(username) else { return completion(.failure(Self.noUser(username))) }
        write(Self.setPassword, [username, hash], completion,
              validate: { () throws(StoreError) in try StoreValidation.storableText(hash, "the password hash") }) {
            (result) throws(StoreError) in try Self.requireOneRow(result, Self.noUser(username))
        }
    }

    public func setActive(username: String, _ active: Bool, completion: @escaping StoreCompletion<Void>) {
        guard SQLText.isStorable(username) else { return completion(.failure(Self.noUser(username))) }
        write(Self.setActive, [username, SQLText.bool(active)], completion) { (result) throws(StoreError) in
            try Self.requireOneRow(result, Self.noUser(username))
        }
    }

    public func deleteUser(username: String, completion: @escaping StoreCompletion<Void>) {
        guard SQLText.isStorable(username) else { return completion(.failure(Self.noUser(username))) }
        write(Self.deleteUser, [username], completion) { (result) throws(StoreError) in
            guard try result.int64(0, 0) > 0 else { throw Self.noUser(username) }
        }
    }

    static func noUser(_ username: String) -> StoreError { StoreError(.notFound, "no user named \(username)") }

    static func requireOneRow(_ result: PostgresResult, _ notFound: @autoclosure () -> StoreError) throws(StoreError) {
        guard result.affectedRows > 0 else { throw notFound() }
    }
}
