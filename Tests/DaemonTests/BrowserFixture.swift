import Foundation
import XCTest

/// A daemon with a `delivery: cookie` listener (a Unix socket; requests say `Host: localhost`, so the request's own
/// origin is https://localhost) beside the usual JSON ones, and helpers that speak to it as a browser would.
final class BrowserFixture {
    let daemon: DaemonFixture
    var cookieSocket: String { daemon.directory + "/cookie.sock" }
    static let app = "https://app.example.com"

    init(simpleJWT: [String: String] = ["ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true"],
         cookies: String = "  allowed_origins: [https://app.example.com]\n", extraYAML: String = "") throws {
        daemon = try DaemonFixture(.init(simpleJWT: simpleJWT, extraYAML: "cookies:\n" + cookies + extraYAML,
                                         extraListeners: "  - unix: @DIR@/cookie.sock\n    delivery: cookie\n"))
    }

    func cookie() throws -> RawHTTPClient { try RawHTTPClient(.unix(path: cookieSocket)) }
}

extension RawHTTPClient.Response {
    /// Every `Set-Cookie` by cookie name: (value, attributes as written).
    var setCookies: [String: (value: String, attributes: String)] {
        var result: [String: (value: String, attributes: String)] = [:]
        for (name, header) in headers where name.lowercased() == "set-cookie" {
            let pair = header.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let attributes = header.dropFirst(pair.count).trimmingCharacters(in: CharacterSet(charactersIn: "; "))
            result[String(pair[..<equals])] = (String(pair[pair.index(after: equals)...]), attributes)
        }
        return result
    }

    func headerValues(_ name: String) -> [String] {
        headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }
}

extension RawHTTPClient {
    /// A form POST as a browser page on `origin` sends it, with cookies and extra headers.
    func browserPost(_ path: String, origin: String? = BrowserFixture.app, body: String = "",
                     cookies: [String: String] = [:], headers: [(String, String)] = []) throws -> Response {
        var all = headers
        if let origin { all.append(("Origin", origin)) }
        if !cookies.isEmpty {
            all.append(("Cookie", cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        return try request("POST", path, body: body, contentType: body.isEmpty ? nil : "application/x-www-form-urlencoded",
                           headers: all)
    }
}
