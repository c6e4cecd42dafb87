/// Administration of users and groups (the `authd user` and `authd group` commands, `authd user import`).
/// Every call answers through a `StoreCompletion`; the CLI waits with `StoreCall.wait`.
public protocol StoreAdmin: Sendable {
    /// Every user, by id.
    func users(completion: @escaping StoreCompletion<[User]>)
    /// Adds a user; `.conflict` when the username is taken.
    func addUser(_ new: NewUser, completion: @escaping StoreCompletion<User>)
    /// Adds a user under a given id: importing from Django keeps primary keys, so tokens that carry `user_id`
    /// keep naming the same person.
    func importUser(_ new: NewUser, id: Int64, completion: @escaping StoreCompletion<User>)
    func setPassword(username: String, hash: String, completion: @escaping StoreCompletion<Void>)
    func setActive(username: String, _ active: Bool, completion: @escaping StoreCompletion<Void>)
    /// Deletes the user; their outstanding tokens stay (with no user) until they expire, as in SimpleJWT.
    func deleteUser(username: String, completion: @escaping StoreCompletion<Void>)

    /// Every group by name, with its member count.
    func groups(completion: @escaping StoreCompletion<[Group]>)
    /// Adds a group; `.conflict` when the name is taken.
    func addGroup(name: String, completion: @escaping StoreCompletion<Group>)
    /// Deletes a group and every membership in it; `.notFound` for an unknown group.
    func deleteGroup(name: String, completion: @escaping StoreCompletion<Void>)
    /// Makes the user a member of the group (nothing changes when it already is one); `.notFound` names
    /// whichever of the two does not exist.
    func addUser(username: String, toGroup group: String, completion: @escaping StoreCompletion<Void>)
    /// Removes the user from the group (nothing changes when it is not a member).
    func removeUser(username: String, fromGroup group: String, completion: @escaping StoreCompletion<Void>)
    /// The names of the user's groups, sorted; `.notFound` for an unknown user.
    func groupNames(username: String, completion: @escaping StoreCompletion<[String]>)
}
