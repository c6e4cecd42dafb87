import Store

extension PostgresStore {
    static let allGroups = PostgresStatement("groups", """
        SELECT g.id, g.name, (SELECT count(*) FROM user_groups m WHERE m.group_id = g.id) FROM groups g ORDER BY g.name
        """)
    static let groupNamesByID = PostgresStatement("group_names_by_id", """
        SELECT g.name FROM groups g JOIN user_groups m ON m.group_id = g.id WHERE m.user_id = $1 ORDER BY g.name
        """)
    /// One row per group (a NULL name when none), or no row for an unknown user.
    static let groupNamesByName = PostgresStatement("group_names_by_name", """
        SELECT g.name FROM users u LEFT JOIN user_groups m ON m.user_id = u.id LEFT JOIN groups g ON g.id = m.group_id
        WHERE u.username = $1 ORDER BY g.name
        """)
    static let addGroup = PostgresStatement("add_group", "INSERT INTO groups (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id")
    static let deleteGroup = PostgresStatement("delete_group", "DELETE FROM groups WHERE name = $1")
    static let changeMembership = PostgresStatement("change_membership", "SELECT change_membership($1, $2, $3)")

    // MARK: Reads

    public func groups(completion: @escaping StoreCompletion<[Group]>) {
        read(Self.allGroups, [], completion) { (result) throws(StoreError) -> [Group] in
            var groups: [Group] = []
            for row in 0..<result.rowCount {
                groups.append(Group(id: try result.int64(row, 0), name: result.text(row, 1),
                                    memberCount: Int(try result.int64(row, 2))))
            }
            return groups
        }
    }

    public func groupNames(userID: Int64, completion: @escaping StoreCompletion<[String]>) {
        read(Self.groupNamesByID, [SQLText.int(userID)], completion) { (result) throws(StoreError) -> [String] in
            (0..<result.rowCount).map { result.text($0, 0) }
        }
    }

    public func groupNames(username: String, completion: @escaping StoreCompletion<[String]>) {
        guard SQLText.isStorable(username) else { return completion(.failure(Self.noUser(username))) }
        read(Self.groupNamesByName, [username], completion) { (result) throws(StoreError) -> [String] in
            guard result.rowCount > 0 else { throw Self.noUser(username) }
            return (0..<result.rowCount).compactMap { result.optionalText($0, 0) }
        }
    }

    // MARK: Writes

    public func addGroup(name: String, completion: @escaping StoreCompletion<Group>) {
        write(Self.addGroup, [name], completion, validate: { () throws(StoreError) in try StoreValidation.groupName(name) }) {
            (result) throws(StoreError) -> Group in
            guard result.rowCount == 1 else { throw StoreError(.conflict, "a group named \(name) already exists") }
            return Group(id: try result.int64(0, 0), name: name)
        }
    }

    public func deleteGroup(name: String, completion: @escaping StoreCompletion<Void>) {
        let unknown = StoreError(.notFound, "no group named \(name); see authd group list")
        guard SQLText.isStorable(name) else { return completion(.failure(unknown)) }
        write(Self.deleteGroup, [name], completion) { (result) throws(StoreError) in
            guard result.affectedRows > 0 else { throw unknown }
        }
    }

    public func addUser(username: String, toGroup group: String, completion: @escaping StoreCompletion<Void>) {
        changeMembership(username: username, group: group, member: true, completion: completion)
    }

    public func removeUser(username: String, fromGroup group: String, completion: @escaping StoreCompletion<Void>) {
        changeMembership(username: username, group: group, member: false, completion: completion)
    }

    private func changeMembership(username: String, group: String, member: Bool, completion: @escaping StoreCompletion<Void>) {
        guard SQLText.isStorable(username) else { return completion(.failure(Self.noUser(username))) }
        guard SQLText.isStorable(group) else { return completion(.failure(Self.noGroup(group))) }
        write(Self.changeMembership, [username, group, SQLText.bool(member)], completion) { (result) throws(StoreError) in
            switch result.text(0, 0) {
            case "ok": return
            case "no_user": throw Self.noUser(username)
            default: throw Self.noGroup(group)
            }
        }
    }

    static func noGroup(_ name: String) -> StoreError {
        StoreError(.notFound, "no group named \(name); create it with authd group add \(name)")
    }
}
