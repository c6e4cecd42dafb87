import Audit
import Foundation
import Glibc
@testable import Logging
import Tokens
import XCTest

/// The audit lines as an operator and a log shipper read them: one line per event, values escaped, no secrets.
final class AuditLogTests: XCTestCase {
    private let client = RequestContext(peer: "192.0.2.7", listener: 0)

    func testTextLinesNameTheEventAndEscapeEveryValue() throws {
        let lines = try captured(.text) { audit in
            audit.record(.loginFailed(username: "eve\n<0>forged", reason: .badPassword, context: client))
            audit.record(.reuseDetected(jti: "0123456789abcdef0123456789abcdef", revokedTokens: 3, withinGrace: false,
                                        context: client))
            audit.record(.loggedOut(jti: "fedcba9876543210fedcba9876543210", context: client))
            audit.passwordChanged(username: "ada", by: "root")
            audit.reload(succeeded: false, detail: "authd.yaml:3:1: \"x\"")
        }
        XCTAssertEqual(lines, [
            #"<5>audit: login_failed user="eve\n<0>forged" reason="bad password" client="192.0.2.7" listener=0"#,
            #"<4>audit: refresh_reuse_detected jti="01234567" family_tokens_revoked=3 within_grace=false client="192.0.2.7" listener=0"#,
            #"<5>audit: logout jti="fedcba98" client="192.0.2.7" listener=0"#,
            #"<5>audit: password_changed user="ada" by="root""#,
            #"<4>audit: reload succeeded=false detail="authd.yaml:3:1: \"x\"""#,
        ])
    }

    func testJSONLinesAreOneObjectEach() throws {
        unsetenv("JOURNAL_STREAM")
        let lines = try captured(.json) { audit in
            audit.record(.loginSucceeded(userID: 42, username: "ada\u{1b}[2J", context: client))
            audit.log.info("listening on 127.0.0.1:8000")
        }
        XCTAssertEqual(lines, [
            #"{"level":"notice","event":"login_succeeded","user":"ada\u001b[2J","user_id":42,"client":"192.0.2.7","listener":0}"#,
            #"{"level":"info","message":"listening on 127.0.0.1:8000"}"#,
        ])
        for line in lines {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), line)
        }
    }

    func testPlainMessagesAreEscapedToo() throws {
        let lines = try captured(.text) { $0.log.warning("jti a\nb\r\u{7f}") }
        XCTAssertEqual(lines, [#"<4>jti a\nb\r\x7f"#])
    }

    /// Runs `body` with standard error going to a pipe; answers the lines written.
    private func captured(_ format: Logger.Format, _ body: (AuditLog) -> Void) throws -> [String] {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        let saved = dup(STDERR_FILENO)
        dup2(ends[1], STDERR_FILENO)
        body(AuditLog(log: Logger(level: .debug, format: format)))
        dup2(saved, STDERR_FILENO)
        close(saved)
        close(ends[1])
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(ends[0], &chunk, chunk.count)
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        close(ends[0])
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
