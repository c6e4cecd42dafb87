import Foundation
import TestSupport
import XCTest

/// A team leaving Django: dump the users with Django, import them with `authd user import`, same key — the same
/// passwords log in, the same ids are in the tokens, and a refresh token SimpleJWT issued keeps working.
final class DjangoMigrationTests: XCTestCase {
    func testDumpdataImportKeepsIdsPasswordsAndTokens() throws {
        try Python.require(modules: ["django", "rest_framework_simplejwt"],
                           pipPackages: ["django", "djangorestframework-simplejwt==5.5.1"])
        let daemon = try DaemonFixture()
        let key = try String(contentsOfFile: daemon.keyPath, encoding: .utf8).trimmingCharacters(in: .newlines)
        let django = try Python.run(script: """
            import io, json, sys
            from django.conf import settings
            settings.configure(SECRET_KEY="x", USE_TZ=True,
                INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
                DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
                PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                  "django.contrib.auth.hashers.ScryptPasswordHasher"],
                SIMPLE_JWT={"SIGNING_KEY": \(pyLiteral(key)), "ALGORITHM": "HS256"})
            import django; django.setup()
            from django.core.management import call_command
            call_command("migrate", verbosity=0)
            from django.contrib.auth.models import User
            User.objects.create_user("first", password="one", id=3)
            User.objects.create_user("second", password="two", id=41, email="s@example.com", is_staff=True)
            User.objects.create_user("gone", password="three", id=50, is_active=False)
            from django.contrib.auth.hashers import make_password
            User.objects.filter(id=3).update(password=make_password("one", hasher="scrypt"))
            out = io.StringIO()
            call_command("dumpdata", "auth.user", stdout=out)
            from rest_framework_simplejwt.tokens import RefreshToken
            refresh = str(RefreshToken.for_user(User.objects.get(id=41)))
            print(json.dumps({"dump": out.getvalue(), "refresh": refresh}))
            """)
        XCTAssertEqual(django.status, 0, django.stderr)
        let output = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(django.stdout.utf8)) as? [String: String])

        let imported = daemon.cli(["user", "import", "-"], stdin: output["dump"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("3 of 3 user(s) imported"), imported.stdout)

        let client = try daemon.tcp()
        let second = try client.post("/api/token/", json: #"{"username":"second","password":"two"}"#)
        XCTAssertEqual(second.status, 200, second.text)
        XCTAssertEqual(try JWTParts(second.json["access"] as! String).claims["user_id"] as? String, "41")
        let first = try client.post("/api/token/", json: #"{"username":"first","password":"one"}"#)
        XCTAssertEqual(first.status, 200, "a Django scrypt hash verifies: \(first.text)")
        XCTAssertEqual(try client.post("/api/token/", json: #"{"username":"gone","password":"three"}"#).status, 401)

        let refreshed = try client.post("/api/token/refresh/", json: try jsonString(["refresh": output["refresh"]!]))
        XCTAssertEqual(refreshed.status, 200, refreshed.text)
        XCTAssertEqual(try JWTParts(refreshed.json["access"] as! String).claims["user_id"] as? String, "41")

        let again = daemon.cli(["user", "import", "-"], stdin: output["dump"])
        XCTAssertEqual(again.status, 1, "importing the same users twice reports every conflict")
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        let list = daemon.cli(["user", "list"])
        XCTAssertTrue(list.stdout.contains("s@example.com"), list.stdout)
    }

    private func pyLiteral(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
