import Dispatch
import Synchronization

/// Everything one store holds, copied into another (`authd store copy`): users with their ids and password hashes,
/// groups and memberships, and every recorded token with its family, parent and blacklist state, so that issued
/// tokens, rotation chains and reuse detection carry over.
///
/// Running it again is safe (an interrupted copy can simply be repeated): a user already in the target with the same
/// id and username, a group of the same name, a membership or a token already there, are left as they are. A user
/// whose id or username belongs to someone else in the target is reported and not copied.
///
/// It waits for its calls (`StoreCall.wait`): run it from a command, never on an event loop.
public struct StoreCopy {
    public struct Summary: Sendable, Equatable {
        public var usersCopied = 0
        public var usersAlreadyThere = 0
        /// "alice (id 3): …" for every user that could not be copied.
        public var userConflicts: [String] = []
        public var groupsCopied = 0
        public var memberships = 0
        public var tokensCopied = 0
        public var tokensAlreadyThere = 0

        public init() {}
    }

    public let source: any StoreBackend
    public let target: any StoreBackend
    /// Tokens per page read from the source and written to the target.
    public var pageSize = 1000

    public init(from source: any StoreBackend, to target: any StoreBackend) {
        self.source = source
        self.target = target
    }

    public func run() throws(StoreError) -> Summary {
        var summary = Summary()
        try copyUsers(into: &summary)
        try copyGroups(into: &summary)
        try copyTokens(into: &summary)
        return summary
    }

    private func copyUsers(into summary: inout Summary) throws(StoreError) {
        let users = try StoreCall.wait(source.users)
        let target = self.target
        let results = Self.all(users) { user, completion in
            target.importUser(NewUser(user), id: user.id, completion: completion)
        }
        for (user, result) in zip(users, results) {
            switch result {
            case .success:
                summary.usersCopied += 1
            case .failure(let error) where error.code == .conflict:
                let existing = try StoreCall.wait { target.user(id: user.id, completion: $0) }
                if existing?.username == user.username {
                    summary.usersAlreadyThere += 1
                } else {
                    summary.userConflicts.append("\(user.username) (id \(user.id)): \(error.message)")
                }
            case .failure(let error):
                throw error
            }
        }
    }

    private func copyGroups(into summary: inout Summary) throws(StoreError) {
        let target = self.target, source = self.source
        for group in try StoreCall.wait(source.groups) {
            do throws(StoreError) {
                _ = try StoreCall.wait { target.addGroup(name: group.name, completion: $0) }
                summary.groupsCopied += 1
            } catch where error.code == .conflict {
                // Already there (a copy run before).
            }
        }
        let users = try StoreCall.wait(source.users)
        let names = Self.all(users) { user, completion in
            source.groupNames(username: user.username, completion: completion)
        }
        var memberships: [(String, String)] = []
        for (user, result) in zip(users, names) {
            // A user deleted from the source meanwhile has no groups left to copy.
            guard case .success(let groups) = result else { continue }
            memberships += groups.map { (user.username, $0) }
        }
        let added = Self.all(memberships) { membership, completion in
            target.addUser(username: membership.0, toGroup: membership.1, completion: completion)
        }
        for result in added {
            switch result {
            case .success: summary.memberships += 1
            // A user that conflicted above is not in the target (or is someone else): its memberships stay behind.
            case .failure(let error) where error.code == .notFound: continue
            case .failure(let error): throw error
            }
        }
    }

    private func copyTokens(into summary: inout Summary) throws(StoreError) {
        let source = self.source, target = self.target, pageSize = self.pageSize
        var cursor: String?
        while true {
            let page = try StoreCall.wait { source.tokens(after: cursor, limit: pageSize, completion: $0) }
            guard let last = page.last else { return }
            let added = try StoreCall.wait { target.importTokens(page, completion: $0) }
            summary.tokensCopied += added
            summary.tokensAlreadyThere += page.count - added
            cursor = last.record.jti
        }
    }

    /// Starts one call per item without waiting for each (so a batching store commits them together), at most
    /// `window` at a time, and answers every result in the items' order.
    private static func all<Item, T: Sendable>(
        _ items: [Item], window: Int = 512,
        _ start: (Item, @escaping StoreCompletion<T>) -> Void
    ) -> [Result<T, StoreError>] {
        let results = Mutex<[Result<T, StoreError>?]>(Array(repeating: nil, count: items.count))
        let slots = DispatchSemaphore(value: window)
        let done = DispatchGroup()
        for (index, item) in items.enumerated() {
            slots.wait()
            done.enter()
            start(item) { result in
                results.withLock { $0[index] = result }
                slots.signal()
                done.leave()
            }
        }
        done.wait()
        return results.withLock { $0 }.map { $0 ?? .failure(StoreError(.database, "a store call answered nothing")) }
    }
}

extension NewUser {
    /// The fields of an existing user, to add it elsewhere under the same id.
    public init(_ user: User) {
        self.init(username: user.username, passwordHash: user.passwordHash, isActive: user.isActive,
                  isStaff: user.isStaff, isSuperuser: user.isSuperuser, email: user.email, firstName: user.firstName,
                  lastName: user.lastName, lastLogin: user.lastLogin, dateJoined: user.dateJoined)
    }
}
