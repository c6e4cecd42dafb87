import Foundation
import TestSupport
import XCTest

/// Forward auth against the real thing: the same requests to a Django view protected by SimpleJWT 5.5.1's
/// JWTAuthentication and to `GET /api/token/auth/` get the same status codes, bodies and challenges.
final class ForwardAuthInteropTests: XCTestCase {
    func testSameAnswersAsJWTAuthentication() throws {
        try Python.require(modules: ["rest_framework_simplejwt", "django", "jwt"],
                           pipPackages: ["djangorestframework-simplejwt==5.5.1", "django", "pyjwt"])
        let daemon = try DaemonFixture(.init())
        try daemon.addUser("alice", password: "pw")
        try daemon.addUser("sleepy", password: "pw", extra: ["--inactive"])
        let pair = try daemon.tcp().post("/api/token/", json: #"{"username":"alice","password":"pw"}"#)
        let access = try XCTUnwrap(pair.json["access"] as? String), refresh = try XCTUnwrap(pair.json["refresh"] as? String)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Interop/forward_auth_diff.py")
        let result = try Python.run(scriptAt: script,
                                    arguments: ["http://127.0.0.1:\(daemon.port)", daemon.keyPath, access, refresh])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                   result.stdout + result.stderr)
        let cases = try XCTUnwrap(report["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 21)
        var statuses = Set<Int>()
        for entry in cases {
            let name = entry["case"] as? String ?? "?"
            let django = try XCTUnwrap(entry["django"] as? [Any]), authd = try XCTUnwrap(entry["authd"] as? [Any])
            XCTAssertEqual(authd[0] as? Int, django[0] as? Int, "status of \(name)")
            XCTAssertEqual(authd[1] as? String, django[1] as? String, "body of \(name)")
            XCTAssertEqual(authd[2] as? String, django[2] as? String, "WWW-Authenticate of \(name)")
            statuses.insert(django[0] as? Int ?? 0)
        }
        XCTAssertEqual(statuses, [200, 401], "the cases cover both answers")
    }
}
