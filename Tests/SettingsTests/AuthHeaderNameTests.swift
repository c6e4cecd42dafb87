import Settings
import XCTest

final class AuthHeaderNameTests: XCTestCase {
    func testDjangoMetaNamesMapToHeaderNames() {
        let cases = [
            ("HTTP_AUTHORIZATION", "HTTP_AUTHORIZATION", "Authorization"),
            ("HTTP_X_ACCESS_TOKEN", "HTTP_X_ACCESS_TOKEN", "X-Access-Token"),
            ("X-Access-Token", "HTTP_X_ACCESS_TOKEN", "X-Access-Token"),
            ("authorization", "HTTP_AUTHORIZATION", "authorization"),
            ("HTTP_X2", "HTTP_X2", "X2"),
        ]
        for (text, meta, http) in cases {
            let name = AuthHeaderName(text)
            XCTAssertEqual(name?.metaName, meta, text)
            XCTAssertEqual(name?.httpName, http, text)
        }
    }

    func testRefusedNames() {
        for text in ["", "HTTP_", "HTTP__X", "HTTP_X_", "X Token", "X_Token", "-X", "X-", "X--Y", "Authorization:", "Ünicode"] {
            XCTAssertNil(AuthHeaderName(text), text)
        }
    }
}
