import XCTest
import Store
import StorePostgres
import StoreSQLite
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A token record for tests: expires in an hour from `now` unless told otherwise.
func token(_ jti: String, user: Int64? = nil, now: Double = 1_000, expires: Double? = nil) -> TokenRecord {
    TokenRecord(jti: jti, userID: user, createdAt: now, expiresAt: expires ?? now + 3600)
}

/// Runs `body(0..<count)` on `count` real threads released together, and waits for all of them.
func runConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let ready = DispatchSemaphore(value: 0)
    let start = DispatchSemaphore(value: 0)
    let finished = DispatchGroup()
    for index in 0..<count {
        finished.enter()
        let thread = Thread {
            ready.signal()
            start.wait()
            body(index)
            finished.leave()
        }
        thread.start()
    }
    for _ in 0..<count { ready.wait() }
    for _ in 0..<count { start.signal() }
    finished.wait()
}

/// A list appended to from several threads.
final class LockedList<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T] = []
    func append(_ item: T) { lock.lock(); storage.append(item); lock.unlock() }
    var items: [T] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// A fresh store for every test, on the backend the class names: each suite is written once against the store
/// protocols and runs on SQLite as the class itself, and on PostgreSQL as its `…OnPostgres` subclass (which only
/// lists the inherited tests: XCTest on Linux does not run inherited test methods by itself;
/// `ParameterizationTests` checks that every test is listed).
class StoreTestCase: XCTestCase {
    class var backend: TestBackend { .sqlite }

    var database: TestDatabase!
    var store: (any StoreBackend)!

    override func setUpWithError() throws {
        database = try TestDatabase(Self.backend)
        store = try database.open()
    }

    override func tearDown() {
        store = nil
        database = nil
    }
}
