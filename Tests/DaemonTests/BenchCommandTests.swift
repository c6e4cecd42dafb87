import Foundation
import TestSupport
import XCTest

/// `authd bench`'s exit status says whether the requests succeeded; its help says what the options do.
final class BenchCommandTests: XCTestCase {
    func testExitStatusFollowsTheRequests() throws {
        let daemon = try DaemonFixture()
        let target = ["--tcp", "127.0.0.1:\(daemon.port)", "--connections", "2", "--threads", "1", "--duration", "300ms"]
        let healthy = DaemonFixture.run(["bench"] + target + ["--path", "/healthz"])
        XCTAssertEqual(healthy.status, 0, healthy.stdout + healthy.stderr)
        XCTAssertTrue(healthy.stdout.contains("errors=0"), healthy.stdout)

        let notFound = DaemonFixture.run(["bench"] + target + ["--path", "/nowhere"])
        XCTAssertEqual(notFound.status, 1, "every answer was a 404: " + notFound.stdout)
        XCTAssertTrue(notFound.stderr.contains("requests failed"), notFound.stderr)

        let port = daemon.port
        XCTAssertEqual(daemon.stop(), 0)
        let refused = DaemonFixture.run(["bench", "--tcp", "127.0.0.1:\(port)", "--path", "/healthz", "--connections", "1",
                                         "--threads", "1", "--duration", "200ms"])
        XCTAssertEqual(refused.status, 1, "every connect was refused: " + refused.stdout + refused.stderr)
    }

    func testPathIsRequiredAndTheHelpSaysWhatABodyIs() {
        let noPath = DaemonFixture.run(["bench", "--tcp", "127.0.0.1:9", "--duration", "100ms"])
        XCTAssertEqual(noPath.status, 64)
        XCTAssertTrue(noPath.stderr.contains("--path is required"), noPath.stderr)
        let help = DaemonFixture.run(["bench", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("sent as application/json"), help.stdout)
        XCTAssertTrue(help.stdout.contains("Exit status"), help.stdout)
    }
}
