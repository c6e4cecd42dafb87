import Foundation
import TestSupport
import XCTest

/// The same request sequence against real Django + DRF + SimpleJWT 5.5.1 and against authd: same status codes,
/// same bodies (token values aside, compared by type and claim names), same auth headers; and tokens cross over.
final class SimpleJWTInteropTests: XCTestCase {
    func testSameAnswersAsSimpleJWT() throws {
        try Python.require(modules: ["rest_framework_simplejwt", "django", "jwt"],
                           pipPackages: ["djangorestframework-simplejwt==5.5.1", "django", "pyjwt"])
        let daemon = try DaemonFixture(.init(simpleJWT: [
            "ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true",
        ]))
        try daemon.addUser("alice", password: "correct horse")
        try daemon.addUser("sleepy", password: "pw", extra: ["--inactive"])

        let scriptURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Interop/simplejwt_diff.py")
        let script = try String(contentsOf: scriptURL, encoding: .utf8)
        let wrapped = "import sys; sys.argv = ['simplejwt_diff', \(pyString("http://127.0.0.1:\(daemon.port)")), "
            + "\(pyString(daemon.keyPath))]\n" + script
        let result = try Python.run(script: wrapped)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                   result.stdout + result.stderr)
        let django = try XCTUnwrap(report["django"] as? [[String: Any]])
        let authd = try XCTUnwrap(report["authd"] as? [[String: Any]])
        XCTAssertEqual(django.count, authd.count)
        for (expected, actual) in zip(django, authd) {
            let step = expected["step"] as? String ?? "?"
            XCTAssertEqual(actual["status"] as? Int, expected["status"] as? Int, step)
            XCTAssertEqual(actual["body"] as? String, expected["body"] as? String, step)
            XCTAssertEqual(actual["www"] as? String, expected["www"] as? String, "WWW-Authenticate of \(step)")
            if expected["status"] as? Int == 405 {
                XCTAssertEqual(actual["allow"] as? String, expected["allow"] as? String, "Allow of \(step)")
            }
        }
        let cross = try XCTUnwrap(report["cross"] as? [String: Any])
        XCTAssertEqual(cross["simplejwt_accepts_authd_access"] as? String, "1")
        XCTAssertEqual(cross["jwtauthentication_accepts_authd_access"] as? String, "access")
        XCTAssertEqual(cross["authd_refreshes_simplejwt_refresh_status"] as? Int, 200)
        XCTAssertEqual(cross["authd_access_from_simplejwt_refresh_user"] as? String, "1")
    }

    private func pyString(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
