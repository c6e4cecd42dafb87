import Store
import Synchronization

/// What JWTAuthentication's user check needs to know about a user, kept in memory.
public struct UserStanding: Sendable, Equatable {
    public let isActive: Bool
    /// SimpleJWT's `get_md5_hash_password` of the stored hash (what CHECK_REVOKE_TOKEN compares).
    public let passwordDigest: String
}

/// An in-memory view of users' active state and password digest, so forward auth (nginx asks on every request)
/// never reads the disk while nothing changes. Each entry remembers the store's `changeVersion` it was read at
/// and counts only while the version is the same: any commit (this process's at once, the CLI's or another
/// process's within `changeLatency`) makes the next look-up of each user read it once again.
public final class UserActivityView: Sendable {
    public enum Key: Hashable, Sendable {
        case id(Int64)
        case username(String)
    }

    private struct Entry {
        let version: UInt64
        let standing: UserStanding?
    }

    private let users: any UserStore
    private let changes: any StoreChangeFeed
    private let entries = Mutex<[Key: Entry]>([:])
    /// Beyond this many users the view starts over rather than grow without bound.
    private let capacity: Int

    public init(users: any UserStore, changes: any StoreChangeFeed, capacity: Int = 100_000) {
        self.users = users
        self.changes = changes
        self.capacity = capacity
    }

    /// The user's standing (nil: no such user), from memory when nothing changed since it was read.
    public func standing(of key: Key, completion: @escaping StoreCompletion<UserStanding?>) {
        // Read the version before the store: a commit racing the read then leaves the entry already stale.
        let version = changes.changeVersion
        let cached = entries.withLock { $0[key] }
        if let cached, cached.version == version { return completion(.success(cached.standing)) }
        let remember: StoreCompletion<User?> = { [self] found in
            switch found {
            case .success(let user):
                let standing = user.map {
                    UserStanding(isActive: $0.isActive, passwordDigest: TokenIdentifiers.passwordHashDigest($0.passwordHash))
                }
                entries.withLock { entries in
                    if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                    entries[key] = Entry(version: version, standing: standing)
                }
                completion(.success(standing))
            case .failure(let error):
                completion(.failure(error))
            }
        }
        switch key {
        case .id(let id): users.user(id: id, completion: remember)
        case .username(let name): users.user(username: name, completion: remember)
        }
    }
}
