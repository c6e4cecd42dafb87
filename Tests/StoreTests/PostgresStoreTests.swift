import XCTest
import Store
@testable import StorePostgres
import TestSupport

/// What only the PostgreSQL store has: a server to reach, a schema to migrate under a lock, connections to lose,
/// other sessions holding locks, passwords.
final class PostgresStoreTests: XCTestCase {
    private var schema: PostgresTestSchema!

    override func setUpWithError() throws {
        schema = try PostgresTestSchema.forTest { XCTSkip($0) }
    }

    override func tearDown() { schema = nil }

    private func configuration(_ extra: [PostgresConfiguration.Parameter] = [], timeout: Double = 5) -> PostgresConfiguration {
        var configuration = PostgresConfiguration(url: schema.url, schema: schema.name)
        configuration.parameters += extra
        configuration.timeout = timeout
        return configuration
    }

    @discardableResult
    private func sql(_ text: String) throws -> String { try PostgresTestServer.psql(text, url: schema.url) }

    func testCreatesTheSchemaVersionsItAndReopensWithoutChanges() throws {
        guard case .missing = try PostgresStore.inspect(configuration()) else { return XCTFail("expected no schema yet") }
        XCTAssertEqual(try sql("SELECT count(*) FROM pg_namespace WHERE nspname = '\(schema.name)'"), "0",
                       "inspecting creates nothing")
        do {
            let store = try PostgresStore(configuration())
            _ = try store.addUser(NewUser(username: "alice", passwordHash: "!", dateJoined: 1))
            XCTAssertTrue(store.location.contains("schema \(schema.name)"), store.location)
        }
        XCTAssertEqual(try sql("SELECT version FROM \"\(schema.name)\".schema_version"), String(PostgresStore.schemaVersion))
        guard case .existing(_, let version) = try PostgresStore.inspect(configuration()) else { return XCTFail("no schema") }
        XCTAssertEqual(version, PostgresStore.schemaVersion)
        let reopened = try PostgresStore(configuration())
        XCTAssertEqual(try reopened.users().map(\.username), ["alice"])
        XCTAssertEqual(try sql("SELECT count(*) FROM \"\(schema.name)\".schema_version"), "1")
    }

    func testInstancesStartingAtOnceMigrateOnceUnderTheAdvisoryLock() throws {
        let configuration = self.configuration()
        let errors = LockedList<String>()
        let stores = LockedList<PostgresStore>()
        runConcurrently(6) { _ in
            do { stores.append(try PostgresStore(configuration)) } catch { errors.append("\(error)") }
        }
        XCTAssertEqual(errors.items, [])
        guard stores.items.count == 6 else { return XCTFail("only \(stores.items.count) of 6 stores opened") }
        XCTAssertEqual(try sql("SELECT count(*) FROM \"\(schema.name)\".schema_version"), "1")
        _ = try stores.items[0].addUser(NewUser(username: "shared", passwordHash: "!", dateJoined: 1))
        XCTAssertNotNil(try stores.items[5].user(username: "shared"))
    }

    func testRefusesASchemaMigratedByANewerAuthd() throws {
        _ = try PostgresStore(configuration())
        try sql("UPDATE \"\(schema.name)\".schema_version SET version = version + 1")
        XCTAssertThrowsError(try PostgresStore(configuration())) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.schemaTooNew, ""))
            XCTAssertTrue("\(error)".contains("upgrade authd"), "\(error)")
        }
        XCTAssertThrowsError(try PostgresStore.inspect(configuration())) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.schemaTooNew, ""))
        }
    }

    func testRefusesSchemaNamesThatAreNotPlainIdentifiers() throws {
        for name in ["Upper", "with space", "quote\"d", "", String(repeating: "s", count: 64), "1st"] {
            var bad = configuration()
            bad.schema = name
            XCTAssertThrowsError(try PostgresStore(bad), name) { error in
                XCTAssertEqual(error as? StoreError, StoreError(.invalidArgument, ""))
            }
        }
    }

    func testAnUnreachableServerIsUnavailableAtOnce() throws {
        let missing = PostgresConfiguration(url: "postgresql://authd@/authd?host=/nonexistent-authd-socket-dir",
                                            schema: schema.name)
        let started = Date()
        XCTAssertThrowsError(try PostgresStore(missing)) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.unavailable, ""))
            XCTAssertTrue("\(error)".contains("cannot connect to PostgreSQL"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testPasswordAuthenticationUsesThePasswordGiven() throws {
        // The test cluster asks the role authd_pw for its password (SCRAM); see scripts/test-postgres.
        var right = configuration([.init("user", "authd_pw")])
        right.password = "test-password"
        let store = try PostgresStore(right)
        _ = try store.addUser(NewUser(username: "pw", passwordHash: "!", dateJoined: 1))
        XCTAssertTrue(store.location.contains("authd_pw@"), store.location)
        var wrong = right
        wrong.password = "not-the-password"
        XCTAssertThrowsError(try PostgresStore(wrong)) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.unavailable, ""))
            XCTAssertTrue("\(error)".contains("password authentication failed"), "\(error)")
        }
    }

    /// Another session holds a lock that every write needs: writes fail with `.busy` after the timeout instead of
    /// hanging, and look-ups keep answering meanwhile (PostgreSQL never makes a reader wait for a writer).
    func testAWriteStuckBehindAnotherSessionsLockFailsBusyAndLookUpsGoOn() throws {
        let store = try PostgresStore(configuration(timeout: 1))
        try store.blacklist(token("listed"), reason: .logout, now: 1)
        let holder = try TestProcess.start("psql", [schema.url, "-X", "-q", "-c", """
            BEGIN; LOCK TABLE "\(schema.name)".outstanding_tokens IN EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;
            """])
        defer { holder.signal(SIGTERM) }
        XCTAssertTrue(try waitUntil(timeout: 10) {
            try sql("""
                SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = 'outstanding_tokens' AND c.relnamespace = '"\(schema.name)"'::regnamespace
                  AND l.mode = 'ExclusiveLock' AND l.granted
                """) == "1"
        }, "the other session did not get its lock")
        let started = Date()
        XCTAssertThrowsError(try store.recordOutstanding(token("blocked"))) { error in
            XCTAssertEqual(error as? StoreError, StoreError(.busy, ""))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "a stuck write is given up after the timeout")
        XCTAssertTrue(try store.isBlacklisted(jti: "listed"), "look-ups do not wait for the lock")
        holder.waitUntilExit()
        XCTAssertTrue(try store.recordOutstanding(token("blocked")), "writes work again once the lock is gone")
    }

    /// A transaction that began before others but commits after them (its ids were taken first) is not skipped by a
    /// reader that has already seen the later ones: the feed's cursor does not pass a transaction still running.
    /// A cursor made of the feed's own row numbers fails this test.
    func testBlacklistFeedNeverSkipsATransactionThatCommitsAfterLaterOnes() throws {
        let store = try PostgresStore(configuration())
        func since(_ cursor: Int64) throws -> BlacklistBatch {
            try StoreCall.wait { store.blacklistedSince(cursor, limit: 100, completion: $0) }
        }
        let slow = try PostgresConnection.open(configuration())
        try slow.execute("SET search_path TO \(configuration().quotedSchema); BEGIN")
        try slow.query("SELECT blacklist_token('early', NULL, 1, 4600, 'logout', 1000)")
        try store.blacklist(token("later"), reason: .logout, now: 1000)
        let first = try since(0)
        XCTAssertEqual(first.entries.map(\.jti), ["later"], "a committed blacklisting shows at once")
        XCTAssertTrue(first.complete)
        try slow.execute("COMMIT")
        let second = try since(first.cursor)
        XCTAssertEqual(Set(second.entries.map(\.jti)), ["early", "later"],
                       "the early transaction's entry arrives; the later one comes again (a view keeps a set)")
        XCTAssertGreaterThanOrEqual(second.cursor, first.cursor)
        let settled = try since(second.cursor)
        XCTAssertEqual(settled.entries, [], "once no older transaction runs, nothing comes again")
    }

    /// One transaction's entries are never split across batches, however many there are; the limit counts
    /// transactions.
    func testBlacklistFeedKeepsATransactionsEntriesTogether() throws {
        let store = try PostgresStore(configuration())
        let admin = try PostgresConnection.open(configuration())
        try admin.execute("""
            SET search_path TO \(configuration().quotedSchema);
            BEGIN; SELECT blacklist_token('one-' || n, NULL, 1, 4600, 'admin', 1000) FROM generate_series(1, 5) n; COMMIT;
            """)
        try store.blacklist(token("alone"), reason: .logout, now: 1000)
        let first = try StoreCall.wait { store.blacklistedSince(0, limit: 1, completion: $0) }
        XCTAssertEqual(first.entries.count, 5)
        XCTAssertFalse(first.complete)
        let rest = try StoreCall.wait { store.blacklistedSince(first.cursor, limit: 1, completion: $0) }
        XCTAssertEqual(rest.entries.map(\.jti), ["alone"])
    }

    /// The server drops every connection of the store (an administrator, a failover, a restart): the next calls
    /// find out before sending and connect again, so nobody sees an error.
    func testConnectionsDroppedByTheServerAreReplacedWithoutFailingCalls() throws {
        let name = "authd-test-\(schema.name)"
        let store = try PostgresStore(configuration([.init("application_name", name)]))
        try store.recordOutstanding(token("before"))
        XCTAssertFalse(try store.isBlacklisted(jti: "before"))
        let terminated = try sql("""
            SELECT count(pg_terminate_backend(pid)) || ' ' || now() FROM pg_stat_activity WHERE application_name = '\(name)'
            """).split(separator: " ", maxSplits: 1)
        XCTAssertGreaterThanOrEqual(Int(terminated[0]) ?? 0, 3, "readers, writers and the listener")
        XCTAssertTrue(try waitUntil(timeout: 10) {
            try sql("""
                SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(name)' AND backend_start <= '\(terminated[1])'
                """) == "0"
        }, "the server did not drop the connections")
        XCTAssertTrue(try store.recordOutstanding(token("after")))
        XCTAssertNotNil(try store.outstanding(jti: "after"))
        XCTAssertFalse(try store.isBlacklisted(jti: "before"))
    }
}
