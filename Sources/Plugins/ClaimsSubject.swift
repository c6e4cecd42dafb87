import Store

/// The user a token is being made for, as providers see it. Group names are loaded at most once per token,
/// and only when a provider asks, so configurations without group claims never touch the group tables.
public final class ClaimsSubject {
    public let user: User
    private let loadGroups: () throws(ClaimsFailure) -> [String]
    private var loadedGroups: [String]?

    /// - Parameter loadGroups: reads the user's group names (sorted), e.g. from `UserStore.groupNames(userID:completion:)`.
    public init(user: User, loadGroups: @escaping () throws(ClaimsFailure) -> [String]) {
        self.user = user
        self.loadGroups = loadGroups
    }

    /// A subject with known groups (tests, and callers that already have them).
    public convenience init(user: User, groups: [String]) {
        self.init(user: user, loadGroups: { groups })
    }

    /// The subject for `user`, reading groups from `store` when first asked (providers run on a worker thread,
    /// where waiting for the store is allowed).
    public convenience init(user: User, store: any UserStore) {
        self.init(user: user, loadGroups: { () throws(ClaimsFailure) -> [String] in
            do throws(StoreError) {
                return try StoreCall.wait { store.groupNames(userID: user.id, completion: $0) }
            } catch {
                throw ClaimsFailure(.unavailable, "cannot read the groups of user \(user.id): \(error.message)")
            }
        })
    }

    /// The names of the user's groups, sorted.
    public func groups() throws(ClaimsFailure) -> [String] {
        if let loadedGroups { return loadedGroups }
        let groups = try loadGroups()
        loadedGroups = groups
        return groups
    }
}
