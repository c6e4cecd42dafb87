import API
import Dispatch
import HTTPServer
import JSON
import TestSupport
import Tokens
import XCTest

/// SimpleJWT's endpoints through the HTTP layer, in-process: real domain, real store, JSON delivery, no sockets.
final class TokenRoutesTests: XCTestCase {
    private var fixture: TokenServiceFixture!
    private var responder: RouterResponder!

    override func setUpWithError() throws {
        fixture = try TokenServiceFixture()
        try fixture.addUser("alice", password: "pw")
        var router = Router()
        TokenRoutes(service: fixture.service, delivery: JSONDelivery()).register(in: &router, prefix: "/api/token")
        responder = router.build()
    }

    override func tearDown() {
        responder = nil
        fixture = nil
    }

    /// The answer given inline, or the one delivered later through the deferred response.
    private func send(_ method: String, _ target: String, body: String = "",
                      contentType: String? = "application/json") -> HTTPResponse {
        var headers = HTTPHeaders()
        if let contentType { headers.add("Content-Type", contentType) }
        let request = HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))
        let done = DispatchSemaphore(value: 0)
        let late = LateAnswer()
        let deferred = DeferredResponse { response in
            late.set(response)
            done.signal()
        }
        if let inline = responder.respond(to: request, deferred: deferred) { return inline }
        done.wait()
        return late.get()!
    }

    private func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    func testObtainAnswersTheExactSimpleJWTBodyAndHeaders() throws {
        let response = send("POST", "/api/token/", body: #"{"username":"alice","password":"pw"}"#)
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(text(response).hasPrefix(#"{"refresh":""#), "key order: \(text(response))")
        XCTAssertTrue(text(response).contains(#"","access":""#))
        XCTAssertEqual(response.headers["Allow"], "POST, OPTIONS")
        XCTAssertEqual(response.headers["Cache-Control"], "no-store")
        XCTAssertEqual(response.headers["Vary"], "Accept")
    }

    func testFormAndMultipartBodiesAreFields() throws {
        XCTAssertEqual(send("POST", "/api/token", body: "username=alice&password=pw",
                            contentType: "application/x-www-form-urlencoded").status, 200)
        let multipart = "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\npw\r\n--b--\r\n"
        XCTAssertEqual(send("POST", "/api/token/", body: multipart, contentType: "multipart/form-data; boundary=b").status, 200)
    }

    func testFieldErrorsMediaTypesAndMethods() throws {
        let missing = send("POST", "/api/token/", body: "{}")
        XCTAssertEqual(missing.status, 400)
        XCTAssertEqual(text(missing), #"{"username":["This field is required."],"password":["This field is required."]}"#)
        let blank = send("POST", "/api/token/refresh/", body: #"{"refresh":"  "}"#)
        XCTAssertEqual(text(blank), #"{"refresh":["This field may not be blank."]}"#)
        let media = send("POST", "/api/token/verify/", body: "token=x", contentType: "text/plain")
        XCTAssertEqual(media.status, 415)
        XCTAssertEqual(text(media), #"{"detail":"Unsupported media type \"text/plain\" in request."}"#)
        let parse = send("POST", "/api/token/verify/", body: "{")
        XCTAssertEqual(parse.status, 400)
        XCTAssertTrue(text(parse).hasPrefix(#"{"detail":"JSON parse error - "#), text(parse))
        let get = send("GET", "/api/token/verify/")
        XCTAssertEqual(get.status, 405)
        XCTAssertEqual(get.headers["Allow"], "POST, OPTIONS")
        let options = send("OPTIONS", "/api/token/refresh/")
        XCTAssertEqual(options.status, 200)
        XCTAssertTrue(text(options).hasPrefix(#"{"name":"Token Refresh""#), text(options))
    }

    func testTokenErrorsCarryTheChallengeAndExpiryFollowsTheClock() throws {
        let obtained = try JSON.parse(send("POST", "/api/token/", body: #"{"username":"alice","password":"pw"}"#).body)
        let access = try XCTUnwrap(obtained.objectValue?["access"]?.stringValue)
        XCTAssertEqual(text(send("POST", "/api/token/verify/", body: #"{"token":"\#(access)"}"#)), "{}")
        fixture.clock.advance(by: 301)
        let expired = send("POST", "/api/token/verify/", body: #"{"token":"\#(access)"}"#)
        XCTAssertEqual(expired.status, 401)
        XCTAssertEqual(text(expired), #"{"detail":"Token is expired","code":"token_not_valid"}"#)
        XCTAssertEqual(expired.headers["WWW-Authenticate"], #"Bearer realm="api""#)
        let wrong = send("POST", "/api/token/", body: #"{"username":"alice","password":"nope"}"#)
        XCTAssertEqual(wrong.status, 401)
        XCTAssertEqual(text(wrong), #"{"detail":"No active account found with the given credentials"}"#)
    }

    func testLogoutAnswersFromTheStoresCommitAndTheTokenIsThenRefused() throws {
        let obtained = try JSON.parse(send("POST", "/api/token/", body: #"{"username":"alice","password":"pw"}"#).body)
        let refresh = try XCTUnwrap(obtained.objectValue?["refresh"]?.stringValue)
        let request = HTTPRequest(method: "POST", target: "/api/token/blacklist/",
                                  headers: ["Content-Type": "application/json"],
                                  body: Array(#"{"refresh":"\#(refresh)"}"#.utf8))
        let done = DispatchSemaphore(value: 0)
        let late = LateAnswer()
        let inline = responder.respond(to: request, deferred: DeferredResponse { late.set($0); done.signal() })
        XCTAssertNil(inline, "a logout waits for the durable commit, never on the calling (event-loop) thread")
        done.wait()
        XCTAssertEqual(late.get()?.status, 200)
        let again = send("POST", "/api/token/refresh/", body: #"{"refresh":"\#(refresh)"}"#)
        XCTAssertEqual(text(again), #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#)
    }
}

/// A response handed over from another thread.
private final class LateAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var response: HTTPResponse?
    func set(_ value: HTTPResponse) { lock.lock(); response = value; lock.unlock() }
    func get() -> HTTPResponse? { lock.lock(); defer { lock.unlock() }; return response }
}
