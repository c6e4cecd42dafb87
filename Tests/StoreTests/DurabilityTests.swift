import XCTest
import Store
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// "Nothing acknowledged is lost on kill -9": a child process (this same test binary, running only
/// `testChildWritesUntilKilled`) rotates tokens and reports each rotation on stdout after the call returned.
/// The parent SIGKILLs it mid-stream, reopens the database and checks that every reported rotation is there.
class DurabilityTests: StoreTestCase {
    func testAcknowledgedWritesSurviveKillDashNine() throws {
        // The database was created and migrated by setUp, before the child starts.
        var environment = ProcessInfo.processInfo.environment
        environment.merge(database.environment) { $1 }
        let child = try TestProcess.start(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
                                          ["StoreTests.DurabilityTests/testChildWritesUntilKilled"], environment: environment)
        // Let it acknowledge a good number of writes from several threads, then kill it without warning.
        // (XCTest's own lines share the pipe: count only acknowledgements.)
        _ = child.wait(timeout: 60) { $0.stdout.components(separatedBy: "ACK ").count > 400 }
        child.signal(SIGKILL)
        child.waitUntilExit()
        let output = child.state.stdout

        // A last line cut short by the kill is not an acknowledgement: only complete lines count.
        let acknowledged = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line -> String? in
            line.hasPrefix("ACK ") ? String(line.dropFirst(4)) : nil
        }
        XCTAssertGreaterThanOrEqual(acknowledged.count, 300, "child output: \(output.suffix(2000))")

        let reopened = try database.open()
        for jti in acknowledged {
            let stored = try reopened.outstanding(jti: jti)
            XCTAssertNotNil(stored, "acknowledged rotation to \(jti) was lost")
            if let parent = stored?.parentJTI {
                XCTAssertTrue(try reopened.isBlacklisted(jti: parent), "rotation of \(parent) lost its blacklist row")
            }
        }
        // The recovered database still takes writes.
        XCTAssertTrue(try reopened.recordOutstanding(token("after-recovery")))
    }

    /// Runs only as the child of the test above (on either backend: the environment says which).
    func testChildWritesUntilKilled() throws {
        guard let store = try TestDatabase.openFromEnvironment() else {
            throw XCTSkip("helper process for testAcknowledgedWritesSurviveKillDashNine")
        }
        runConcurrently(4) { thread in
            // Bounded, so an orphaned child cannot run forever.
            for n in 0..<200_000 {
                let old = token("c\(thread)-\(n)"), new = token("c\(thread)-\(n + 1)")
                guard (try? store.rotate(old: old, new: new, blacklistOld: true, grace: 0, now: 1_000)) == .rotated else {
                    return writeLine("FAIL \(new.jti)")
                }
                writeLine("ACK \(new.jti)")
            }
        }
    }
}

/// One line with one write(2): lines from several threads never interleave on a pipe.
private func writeLine(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
}
