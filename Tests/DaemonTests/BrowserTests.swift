import Foundation
import TestSupport
import XCTest

/// The browser suite (Interop/browser_suite.py): a real headless Chromium through a real nginx set up with the
/// README's recipe (deploy/nginx/authd-spa.conf) and TLS from a throwaway CA, against this daemon's cookie listener.
final class BrowserTests: XCTestCase {
    func testARealBrowserBehindTheREADMEsNginxRecipe() throws {
        try Python.require(modules: ["selenium"], pipPackages: ["selenium"])
        for tool in ["nginx", "chromium", "chromedriver", "openssl", "certutil"] {
            let found = try TestProcess.run("/bin/sh", ["-c", "command -v \(tool) || test -x /usr/sbin/\(tool)"])
            XCTAssertEqual(found.status, 0, "\(tool) is missing: run scripts/install-test-deps")
        }
        let browser = try BrowserFixture(
            simpleJWT: ["ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true", "ACCESS_TOKEN_LIFETIME": "2s"],
            cookies: "  secure: true\n",
            extraYAML: """
                forward_auth:
                  headers: {X-Auth-Email: email, X-Auth-Groups: groups}
                  rules:
                    - path_prefix: /app/admin/
                      require: {groups: admin}
                claims:
                  - provider: claims.user_fields
                    fields: {email: email}
                  - provider: claims.groups

                """)
        let daemon = browser.daemon
        try daemon.addUser("alice", password: "pw", extra: ["--email", "alice@example.com"])
        try daemon.addUser("root", password: "pw", extra: ["--email", "root@example.com"])
        XCTAssertEqual(daemon.cli(["group", "add", "admin"]).status, 0)
        XCTAssertEqual(daemon.cli(["user", "groups", "root", "--add", "admin"]).status, 0)

        let work = try TemporaryDirectory(prefix: "authd-browser")
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let result = try Python.run(scriptAt: repo.appendingPathComponent("Tests/DaemonTests/Interop/browser_suite.py"),
                                    arguments: [repo.path, browser.cookieSocket, work.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                   result.stdout + result.stderr)
        let failures = report["failures"] as? [String] ?? ["no report"]
        XCTAssertEqual(failures, [], "\n" + failures.joined(separator: "\n"))
        XCTAssertGreaterThan(report["checks"] as? Int ?? 0, 30)
    }
}

/// The README shows the nginx recipe and the JavaScript the browser suite runs, verbatim.
final class BrowserRecipeDocumentationTests: XCTestCase {
    func testREADMEShowsTheTestedFiles() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: repo.appendingPathComponent("README.md"), encoding: .utf8)
        for file in ["deploy/nginx/authd-spa.conf", "deploy/spa/authd-client.js"] {
            let text = try String(contentsOf: repo.appendingPathComponent(file), encoding: .utf8)
            XCTAssertTrue(readme.contains(text), "README.md must show \(file) exactly as it is")
        }
    }
}
