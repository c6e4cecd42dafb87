import Foundation

/// Reads a compact JWT's header and claims without verifying it (tests check what authd put inside).
struct JWTParts {
    let header: [String: Any]
    let claims: [String: Any]
    let headerJSON: String
    let claimsJSON: String

    init(_ token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw ClientError("not a compact JWS: \(token)") }
        headerJSON = String(decoding: try Self.base64url(parts[0]), as: UTF8.self)
        claimsJSON = String(decoding: try Self.base64url(parts[1]), as: UTF8.self)
        header = try JSONSerialization.jsonObject(with: Data(headerJSON.utf8)) as? [String: Any] ?? [:]
        claims = try JSONSerialization.jsonObject(with: Data(claimsJSON.utf8)) as? [String: Any] ?? [:]
    }

    static func base64url(_ text: Substring) throws -> Data {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s) else { throw ClientError("bad base64url: \(text)") }
        return data
    }
}
