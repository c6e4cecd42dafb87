import Foundation
import TestSupport
import XCTest

/// `Type=notify` readiness and socket activation, with a launcher that does what systemd does.
final class SystemdIntegrationTests: XCTestCase {
    func testSocketActivationAndReadinessNotification() throws {
        let daemon = try DaemonFixture(.init(startServer: false))
        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        let activated = config.replacingOccurrences(of: "  - tcp: 127.0.0.1:0\n", with: "  - systemd: true\n")
        XCTAssertNotEqual(activated, config)
        try activated.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)

        let launcher = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Interop/systemd_launcher.py")
        let script = "import sys; sys.argv = ['launcher', '\(DaemonFixture.binary)', '\(daemon.configPath)', "
            + "'\(daemon.directory)/notify']\n"
            + (try String(contentsOf: launcher, encoding: .utf8))
        let result = try Python.run(script: script)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                   result.stdout + result.stderr)
        XCTAssertEqual(report["first_notify"] as? String, "READY=1")
        XCTAssertEqual(report["healthz"] as? Int, 200, "served on the socket systemd passed")
        XCTAssertEqual(report["second_notify"] as? String, "STOPPING=1")
        XCTAssertEqual(report["exit_code"] as? Int, 0)
    }

    func testSystemdListenerWithoutActivationIsAClearError() throws {
        let daemon = try DaemonFixture(.init(startServer: false))
        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "  - tcp: 127.0.0.1:0\n", with: "  - systemd: true\n")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let result = daemon.cli(["serve"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("LISTEN_FDS"), result.stderr)
    }
}
