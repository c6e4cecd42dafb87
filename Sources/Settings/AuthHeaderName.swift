/// SimpleJWT's AUTH_HEADER_NAME in both spellings: Django's META name (`HTTP_X_ACCESS_TOKEN`) as configured,
/// and the HTTP header name authd actually reads (`X-Access-Token`).
public struct AuthHeaderName: Sendable, Hashable {
    public let metaName: String
    public let httpName: String

    public static let authorization = AuthHeaderName(metaName: "HTTP_AUTHORIZATION", httpName: "Authorization")

    private init(metaName: String, httpName: String) {
        self.metaName = metaName
        self.httpName = httpName
    }

    /// Accepts a META name (`HTTP_AUTHORIZATION`) or a header name (`X-Access-Token`); nil for anything else.
    public init?(_ text: String) {
        let isMetaCharacter: (Character) -> Bool = { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
        let isTokenCharacter: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        if text.hasPrefix("HTTP_"), text.count > 5, text.allSatisfy(isMetaCharacter) {
            let words = text.dropFirst(5).split(separator: "_", omittingEmptySubsequences: false)
            guard !words.contains(where: \.isEmpty) else { return nil }
            self.init(metaName: text, httpName: words.map { $0.prefix(1) + $0.dropFirst().lowercased() }
                .joined(separator: "-"))
        } else if !text.isEmpty, text.allSatisfy(isTokenCharacter), !text.hasPrefix("-"), !text.hasSuffix("-"),
                  !text.contains("--") {
            self.init(metaName: "HTTP_" + String(text.uppercased().map { $0 == "-" ? "_" : $0 }), httpName: text)
        } else {
            return nil
        }
    }
}
