import Foundation
import Settings
import XCTest

/// The settings file the Debian package installs as /etc/authd/authd.yaml must load and say what SPEC §2 says.
final class PackagedSettingsTests: SettingsTestCase {
    private var packagedPath: String {
        // Tests/SettingsTests/<this file> → repository root → etc/authd.yaml
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("etc/authd.yaml").path
    }

    func testPackagedFileValidatesWithoutItsKey() throws {
        let result = SettingsLoader.load(path: packagedPath, options: .init(checkKeyFiles: false))
        let settings = try result.get()
        check(settings)
        XCTAssertEqual(settings.simpleJWT.signingKey.path, "/var/lib/authd/signing.key")
        XCTAssertEqual(settings.simpleJWT.signingKey.bytes, [], "key files are not read with checkKeyFiles: false")
        XCTAssertEqual(settings.sourcePath, packagedPath)
    }

    func testPackagedFileWithARealKey() throws {
        let text = try String(contentsOfFile: packagedPath, encoding: .utf8)
            .replacingOccurrences(of: "/var/lib/authd/signing.key", with: tmp.path + "/hs.key")
        let copy = try tmp.write("authd.yaml", text, mode: 0o644)
        let settings = try SettingsLoader.load(path: copy).get()
        check(settings)
        XCTAssertEqual(settings.simpleJWT.signingKey.bytes, Array(hmacSecret.utf8))
        XCTAssertEqual(settings.warnings, [])
    }

    private func check(_ settings: AuthdSettings) {
        XCTAssertEqual(settings.simpleJWT.accessTokenLifetime, .minutes(15))
        XCTAssertEqual(settings.simpleJWT.refreshTokenLifetime, .days(7))
        XCTAssertTrue(settings.simpleJWT.rotateRefreshTokens)
        XCTAssertTrue(settings.simpleJWT.blacklistAfterRotation)
        XCTAssertEqual(settings.simpleJWT.algorithm, .HS256)
        var socket = ListenerSettings(address: .unix(path: "/run/authd/authd.sock", mode: 0o660, group: "authd"),
                                      mark: settings.listen.last?.mark)
        socket.metrics = true  // the default on Unix sockets; never on TCP
        XCTAssertEqual(settings.listen, [
            ListenerSettings(address: .tcp(host: "127.0.0.1", port: 8000), mark: settings.listen.first?.mark),
            socket,
        ])
        XCTAssertEqual(settings.store.sqlitePath, "/var/lib/authd/authd.sqlite3")
        XCTAssertEqual(settings.passwords.hasher, .pbkdf2_sha256)
        XCTAssertEqual(settings.passwords.iterations, 1_500_000)
    }
}
