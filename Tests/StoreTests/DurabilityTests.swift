import XCTest
import Store
#if canImport(Glibc)
import Glibc
#endif

/// "Nothing acknowledged is lost on kill -9": a child process (this same test binary, running only
/// `testChildWritesUntilKilled`) rotates tokens and reports each rotation on stdout after the call returned.
/// The parent SIGKILLs it mid-stream, reopens the file and checks that every reported rotation is there.
final class DurabilityTests: XCTestCase {
    private static let childVariable = "AUTHD_STORE_DURABILITY_CHILD_DB"

    func testAcknowledgedWritesSurviveKillDashNine() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("durable.sqlite3")
        _ = try Store(path: path)  // created and migrated before the child starts

        let child = try ChildProcess(
            arguments: ["StoreTests.DurabilityTests/testChildWritesUntilKilled"],
            environment: [Self.childVariable: path])
        var output = ""
        // Let it acknowledge a good number of writes from several threads, then kill it without warning.
        // (XCTest's own lines share the pipe: count only acknowledgements.)
        while output.components(separatedBy: "ACK ").count <= 400, let chunk = child.readChunk() { output += chunk }
        child.kill()
        while let chunk = child.readChunk() { output += chunk }
        _ = child.wait()

        // A last line cut short by the kill is not an acknowledgement: only complete lines count.
        let acknowledged = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line -> String? in
            line.hasPrefix("ACK ") ? String(line.dropFirst(4)) : nil
        }
        XCTAssertGreaterThanOrEqual(acknowledged.count, 300, "child output: \(output.suffix(2000))")

        let reopened = try Store(path: path)
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

    /// Runs only as the child of the test above.
    func testChildWritesUntilKilled() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.childVariable] else {
            throw XCTSkip("helper process for testAcknowledgedWritesSurviveKillDashNine")
        }
        let store = try Store(path: path)
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

/// This test binary started again with other arguments, its stdout on a pipe owned here.
private final class ChildProcess {
    private let pid: pid_t
    private var readEnd: Int32

    init(arguments: [String], environment: [String: String]) throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw XCTSkip("pipe failed: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])

        let executable = "/proc/self/exe"
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child = pid_t()
        let rc = posix_spawn(&child, executable, &actions, nil, argv, envp)
        close(pipeEnds[1])  // only the child writes; EOF arrives when it dies
        guard rc == 0 else {
            close(pipeEnds[0])
            throw XCTSkip("posix_spawn failed: \(rc)")
        }
        pid = child
        readEnd = pipeEnds[0]
    }

    deinit {
        if readEnd >= 0 { close(readEnd) }
    }

    /// The next bytes the child wrote, or nil at end of file.
    func readChunk() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 { return String(decoding: buffer[0..<count], as: UTF8.self) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    func kill() { _ = Glibc.kill(pid, SIGKILL) }

    /// The raw wait status.
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}
