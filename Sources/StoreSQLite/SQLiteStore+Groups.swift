import Store

extension SQLiteStore {
    // MARK: Reads

    public func groups(completion: @escaping StoreCompletion<[Group]>) {
        read(completion) { (c) throws(StoreError) -> [Group] in
            try c.all("""
                SELECT g.id, g.name, (SELECT COUNT(*) FROM user_groups m WHERE m.group_id = g.id)
                FROM groups g ORDER BY g.name
                """, []) { Group(id: $0.int64(0), name: $0.text(1), memberCount: Int($0.int64(2))) }
        }
    }

    public func groupNames(userID: Int64, completion: @escaping StoreCompletion<[String]>) {
        read(completion) { (c) throws(StoreError) -> [String] in try SQLiteStore.groupNames(userID: userID, c) }
    }

    public func groupNames(username: String, completion: @escaping StoreCompletion<[String]>) {
        read(completion) { (c) throws(StoreError) -> [String] in
            guard let userID = try c.first("SELECT id FROM users WHERE username = ?", [.text(username)], { $0.int64(0) }) else {
                throw StoreError(.notFound, "no user named \(username)")
            }
            return try SQLiteStore.groupNames(userID: userID, c)
        }
    }

    private static func groupNames(userID: Int64, _ c: SQLiteConnection) throws(StoreError) -> [String] {
        try c.all("""
            SELECT g.name FROM groups g JOIN user_groups m ON m.group_id = g.id
            WHERE m.user_id = ? ORDER BY g.name
            """, [.int(userID)]) { $0.text(0) }
    }

    // MARK: Writes

    public func addGroup(name: String, completion: @escaping StoreCompletion<Group>) {
        write(completion, validate: { () throws(StoreError) in try StoreValidation.groupName(name) }) { (c) throws(StoreError) -> Group in
            do throws(StoreError) {
                try c.run("INSERT INTO groups (name) VALUES (?)", [.text(name)])
            } catch where error.code == .conflict {
                throw StoreError(.conflict, "a group named \(name) already exists")
            }
            return Group(id: c.lastInsertRowID, name: name)
        }
    }

    public func deleteGroup(name: String, completion: @escaping StoreCompletion<Void>) {
        write(completion) { (c) throws(StoreError) in
            guard try c.run("DELETE FROM groups WHERE name = ?", [.text(name)]) > 0 else {
                throw StoreError(.notFound, "no group named \(name); see authd group list")
            }
        }
    }

    public func addUser(username: String, toGroup group: String, completion: @escaping StoreCompletion<Void>) {
        write(completion) { (c) throws(StoreError) in
            let (userID, groupID) = try SQLiteStore.membershipIDs(username: username, group: group, c)
            try c.run("INSERT OR IGNORE INTO user_groups (user_id, group_id) VALUES (?, ?)", [.int(userID), .int(groupID)])
        }
    }

    public func removeUser(username: String, fromGroup group: String, completion: @escaping StoreCompletion<Void>) {
        write(completion) { (c) throws(StoreError) in
            let (userID, groupID) = try SQLiteStore.membershipIDs(username: username, group: group, c)
            try c.run("DELETE FROM user_groups WHERE user_id = ? AND group_id = ?", [.int(userID), .int(groupID)])
        }
    }

    // MARK: Helpers run on the writer connection

    private static func membershipIDs(username: String, group: String,
                                      _ c: SQLiteConnection) throws(StoreError) -> (Int64, Int64) {
        guard let userID = try c.first("SELECT id FROM users WHERE username = ?", [.text(username)], { $0.int64(0) }) else {
            throw StoreError(.notFound, "no user named \(username)")
        }
        guard let groupID = try c.first("SELECT id FROM groups WHERE name = ?", [.text(group)], { $0.int64(0) }) else {
            throw StoreError(.notFound, "no group named \(group); create it with authd group add \(group)")
        }
        return (userID, groupID)
    }
}
