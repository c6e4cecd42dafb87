import API
import HTTPServer
import JSON
import XCTest

/// Routes as data: path matching, each route's own headers, 404 and 405.
final class RouterTests: XCTestCase {
    private func responder() -> RouterResponder {
        var router = Router()
        let headers: HTTPHeaders = ["Content-Type": "text/plain", "Allow": "GET, HEAD", "Cache-Control": "max-age=60"]
        router.add(Route(path: "/things/", headers: headers, methods: [
            "GET": { _, _, headers in HTTPResponse(status: 200, headers: headers, body: Array("things".utf8)) },
        ]))
        router.add(HealthRoute.make())
        return router.build()
    }

    private func answer(_ responder: RouterResponder, _ method: String, _ target: String) -> HTTPResponse? {
        responder.respond(to: HTTPRequest(method: method, target: target), deferred: DeferredResponse { _ in })
    }

    func testPathsMatchWithOrWithoutTheTrailingSlash() throws {
        let responder = responder()
        for target in ["/things", "/things/", "/things?x=1"] {
            let response = try XCTUnwrap(answer(responder, "GET", target), target)
            XCTAssertEqual(response.status, 200, target)
            XCTAssertEqual(response.headers["Cache-Control"], "max-age=60", "the route's own headers")
        }
    }

    func testUnknownPathsAnswerJSON404() throws {
        let response = try XCTUnwrap(answer(responder(), "GET", "/nothing"))
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"detail":"Not found."}"#)
        XCTAssertEqual(response.headers["Content-Type"], "application/json")
    }

    func testOtherMethodsAnswer405WithTheRoutesAllowHeader() throws {
        let response = try XCTUnwrap(answer(responder(), "DELETE", "/things"))
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.headers["Allow"], "GET, HEAD")
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"detail":"Method \"DELETE\" not allowed."}"#)
    }

    func testHealthzAnswersEveryMethod() throws {
        for method in ["GET", "HEAD", "POST"] {
            let response = try XCTUnwrap(answer(responder(), method, "/healthz"))
            XCTAssertEqual(response.status, 200, method)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"status":"ok"}"#)
        }
    }
}
