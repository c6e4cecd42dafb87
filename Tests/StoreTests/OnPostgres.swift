import XCTest
import TestSupport

// The store suites once more, on PostgreSQL. XCTest on Linux runs only the test methods a class declares itself,
// so each subclass lists the inherited ones; ParameterizationTests fails when one is missing.

final class UserTestsOnPostgres: UserTests {
    override class var backend: TestBackend { .postgres }
    override func testAddAndLookUpKeepsEveryField() throws { try super.testAddAndLookUpKeepsEveryField() }
    override func testUsernamesAreCaseSensitiveAndUnique() throws { try super.testUsernamesAreCaseSensitiveAndUnique() }
    override func testUnusualUsernamesAreStoredExactly() throws { try super.testUnusualUsernamesAreStoredExactly() }
    override func testUpdates() throws { try super.testUpdates() }
    override func testUpdatesOfMissingUsersAreNotFound() throws { try super.testUpdatesOfMissingUsersAreNotFound() }
    override func testDeleteKeepsTokensWithoutAUserAndNeverReusesTheId() throws {
        try super.testDeleteKeepsTokensWithoutAUserAndNeverReusesTheId()
    }
    override func testCompletionFormsReportAfterCommit() throws { try super.testCompletionFormsReportAfterCommit() }
    override func testConcurrentImportsLeaveNoImportedIdToANewUser() throws {
        try super.testConcurrentImportsLeaveNoImportedIdToANewUser()
    }
}

final class TokenTestsOnPostgres: TokenTests {
    override class var backend: TestBackend { .postgres }
    override func testRecordOutstandingIsIdempotentAndKeepsTheFirstRecord() throws {
        try super.testRecordOutstandingIsIdempotentAndKeepsTheFirstRecord()
    }
    override func testATokenForAnUnknownUserIsRecordedWithoutAUser() throws {
        try super.testATokenForAnUnknownUserIsRecordedWithoutAUser()
    }
    override func testFamilyDefaultsToTheParentsFamily() throws { try super.testFamilyDefaultsToTheParentsFamily() }
    override func testBlacklistIsIdempotentAndRecordsUnseenTokens() throws {
        try super.testBlacklistIsIdempotentAndRecordsUnseenTokens()
    }
    override func testBadTokenValuesAreRejectedNotStored() throws { try super.testBadTokenValuesAreRejectedNotStored() }
    override func testRotationChainsTokensInOneFamily() throws { try super.testRotationChainsTokensInOneFamily() }
    override func testRotationWithoutBlacklistAfterRotationLeavesTheOldTokenUsable() throws {
        try super.testRotationWithoutBlacklistAfterRotationLeavesTheOldTokenUsable()
    }
    override func testReuseOfAnOldAncestorRevokesEveryDescendant() throws {
        try super.testReuseOfAnOldAncestorRevokesEveryDescendant()
    }
    override func testGraceCoversOnlyARecentRotationOfTheNewestPredecessor() throws {
        try super.testGraceCoversOnlyARecentRotationOfTheNewestPredecessor()
    }
    override func testANewJTIThatIsAlreadyRecordedIsAConflictAndChangesNothing() throws {
        try super.testANewJTIThatIsAlreadyRecordedIsAConflictAndChangesNothing()
    }
    override func testFlushExpiredDeletesExpiredTokensAndTheirBlacklistRows() throws {
        try super.testFlushExpiredDeletesExpiredTokensAndTheirBlacklistRows()
    }
    override func testFlushExpiredHandlesMoreThanOneChunk() throws { try super.testFlushExpiredHandlesMoreThanOneChunk() }
    override func testClosedStoreRefusesWrites() throws { try super.testClosedStoreRefusesWrites() }
}

final class GroupTestsOnPostgres: GroupTests {
    override class var backend: TestBackend { .postgres }
    override func testAddListAndDeleteGroups() throws { try super.testAddListAndDeleteGroups() }
    override func testRefusesEmptyLongAndControlCharacterNames() throws {
        try super.testRefusesEmptyLongAndControlCharacterNames()
    }
    override func testMembershipIsSortedIdempotentAndCounted() throws { try super.testMembershipIsSortedIdempotentAndCounted() }
    override func testUnknownUserOrGroupIsNamed() throws { try super.testUnknownUserOrGroupIsNamed() }
    override func testDeletingAUserOrAGroupRemovesTheMemberships() throws {
        try super.testDeletingAUserOrAGroupRemovesTheMemberships()
    }
}

final class ConcurrencyTestsOnPostgres: ConcurrencyTests {
    override class var backend: TestBackend { .postgres }
    override func testSixteenThreadsRotatingOneTokenWithGraceRotateExactlyOnce() throws {
        try super.testSixteenThreadsRotatingOneTokenWithGraceRotateExactlyOnce()
    }
    override func testSixteenThreadsRotatingOneTokenWithoutGraceRevokeTheFamily() throws {
        try super.testSixteenThreadsRotatingOneTokenWithoutGraceRevokeTheFamily()
    }
    override func testTwoStoresOnOneDatabaseWriteConcurrently() throws { try super.testTwoStoresOnOneDatabaseWriteConcurrently() }
    override func testAFailingWriteDoesNotSpoilTheOthersCommittedWithIt() throws {
        try super.testAFailingWriteDoesNotSpoilTheOthersCommittedWithIt()
    }
    override func testAWriteQueuedFromACompletionRunsInALaterCommit() throws {
        try super.testAWriteQueuedFromACompletionRunsInALaterCommit()
    }
}

final class ChangeFeedTestsOnPostgres: ChangeFeedTests {
    override class var backend: TestBackend { .postgres }
    override func testOwnCommitsShowAtOnceAndOtherProcessesCommitsSoon() throws {
        try super.testOwnCommitsShowAtOnceAndOtherProcessesCommitsSoon()
    }
}

final class DurabilityTestsOnPostgres: DurabilityTests {
    override class var backend: TestBackend { .postgres }
    override func testAcknowledgedWritesSurviveKillDashNine() throws { try super.testAcknowledgedWritesSurviveKillDashNine() }
    override func testChildWritesUntilKilled() throws { try super.testChildWritesUntilKilled() }
}

final class TransferTestsOnPostgres: TransferTests {
    override class var backend: TestBackend { .postgres }
    override func testPagesListEveryTokenOnceInJTIOrderWithItsState() throws {
        try super.testPagesListEveryTokenOnceInJTIOrderWithItsState()
    }
    override func testImportKeepsFamiliesParentsAndBlacklistAndSkipsKnownJTIs() throws {
        try super.testImportKeepsFamiliesParentsAndBlacklistAndSkipsKnownJTIs()
    }
    override func testInvalidImportsAreRefusedAndWriteNothing() throws { try super.testInvalidImportsAreRefusedAndWriteNothing() }
}

final class BlacklistFeedTestsOnPostgres: BlacklistFeedTests {
    override class var backend: TestBackend { .postgres }
    override func testFeedIsInCommitOrderAndResumesFromItsCursor() throws {
        try super.testFeedIsInCommitOrderAndResumesFromItsCursor()
    }
    override func testNoBlacklistingIsSkippedAfterTheNewestRowsAreFlushed() throws {
        try super.testNoBlacklistingIsSkippedAfterTheNewestRowsAreFlushed()
    }
    override func testRotationAndReuseRevocationsAppear() throws { try super.testRotationAndReuseRevocationsAppear() }
}

/// Every test of a backend-parameterized suite (a class deriving from StoreTestCase) must also be listed in its
/// `…OnPostgres` subclass, or it would silently run on SQLite only. Read from the sources beside this file.
final class ParameterizationTests: XCTestCase {
    func testEverySuiteRunsEveryTestOnPostgresToo() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        let sources = try files.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n")
        var suites: [String: Set<String>] = [:]  // class → its own test methods
        var current: String?
        for line in sources.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("class ") || line.hasPrefix("final class ") {
                let words = line.split(separator: " ")
                current = words[words.firstIndex(of: "class")! + 1].split(separator: ":").first.map(String.init)
                suites[current!] = suites[current!] ?? []
            } else if let current, let range = line.range(of: #"^    (override )?func (test\w+)\("#, options: .regularExpression) {
                let name = line[range].split(separator: " ").last!.dropLast()
                suites[current, default: []].insert(String(name))
            }
        }
        let parameterized = sources.split(separator: "\n").compactMap { line -> String? in
            guard line.hasSuffix(": StoreTestCase {") else { return nil }
            // A final suite cannot be run again on PostgreSQL: it is reported as missing its subclass.
            return String(line.split(separator: " ")[line.hasPrefix("final ") ? 2 : 1].prefix { $0 != ":" })
        }
        XCTAssertGreaterThanOrEqual(parameterized.count, 7)
        for suite in parameterized {
            let expected = suites[suite] ?? []
            XCTAssertFalse(expected.isEmpty, suite)
            let listed = suites[suite + "OnPostgres"] ?? []
            XCTAssertEqual(expected.subtracting(listed).sorted(), [], "missing from \(suite)OnPostgres")
            XCTAssertEqual(listed.subtracting(expected).sorted(), [], "in \(suite)OnPostgres but not in \(suite)")
        }
    }
}
