/// The accounts, as the token domain reads them. Every call answers through a `StoreCompletion`.
public protocol UserStore: Sendable {
    func user(id: Int64, completion: @escaping StoreCompletion<User?>)
    func user(username: String, completion: @escaping StoreCompletion<User?>)
    /// The names of the user's groups, sorted, so tokens list them in a stable order. Empty for an unknown id.
    func groupNames(userID: Int64, completion: @escaping StoreCompletion<[String]>)
}
