import JSON
import Settings
import Store

/// `claims.user_fields`: fields of the user's account, each under a claim name you choose.
///
/// ```yaml
/// - provider: claims.user_fields
///   fields: [username, email]                  # claim names equal to the field names
/// - provider: claims.user_fields
///   fields: {username: name, is_staff: staff}  # field: claim name
/// ```
public struct UserFieldsClaimsProvider: ClaimsProvider {
    public static let summary = "copies user fields (username, email, first_name, last_name, is_staff, is_superuser) into claims"
    public static let mayBlock = false
    public static let optionKeys = ["fields"]

    /// The fields this provider can copy, and how each reads as JSON.
    static let readers: [(name: String, read: @Sendable (User) -> JSONValue)] = [
        ("username", { .string($0.username) }),
        ("email", { .string($0.email) }),
        ("first_name", { .string($0.firstName) }),
        ("last_name", { .string($0.lastName) }),
        ("is_staff", { .bool($0.isStaff) }),
        ("is_superuser", { .bool($0.isSuperuser) }),
    ]

    /// (field, claim name) in the order written.
    public let mapping: [(field: String, claim: String)]

    public init(options: ProviderOptions) throws(PluginError) {
        let expected = "a list of user fields, or a mapping of user field to claim name"
        guard let node = options.value("fields"), !node.isNull else {
            throw options.error(.missingValue, "fields", at: options.node.mark,
                                "missing \"fields\", such as \"fields: [username, email]\"")
        }
        var pairs: [(field: String, claim: String, key: String, mark: SourceMark)] = []
        if node.sequence != nil {
            let names = try options.stringList("fields", expected: expected) ?? []
            for (index, name) in names.enumerated() {
                pairs.append((name, name, "fields[\(index)]", node.sequence?[index].mark ?? node.mark))
            }
        } else if node.mapping != nil {
            for (field, claim) in try options.stringMap("fields", expected: expected) ?? [] {
                let itemNode = node.mapping?.first(where: { $0.key.scalar == field })
                pairs.append((field, claim, "fields.\(field)", itemNode?.key.mark ?? node.mark))
            }
            if pairs.isEmpty { throw options.error(.invalidValue, "fields", "expected \(expected), got an empty mapping") }
        } else {
            throw options.error(.wrongType, "fields", "expected \(expected), got \(node.kindDescription)")
        }
        let known = Self.readers.map(\.name)
        var claimNames: Set<String> = []
        for pair in pairs {
            guard known.contains(pair.field) else {
                throw options.error(.invalidValue, pair.key, at: pair.mark,
                                    "unknown user field \"\(pair.field)\" (known fields: \(known.joined(separator: ", ")))")
            }
            guard !pair.claim.isEmpty else {
                throw options.error(.invalidValue, pair.key, at: pair.mark, "the claim name is empty")
            }
            guard !options.environment.reservedClaims.contains(pair.claim) else {
                throw options.error(.reservedClaim, pair.key, at: pair.mark,
                                    "\"\(pair.claim)\" is a claim authd sets itself; choose another claim name")
            }
            guard claimNames.insert(pair.claim).inserted else {
                throw options.error(.invalidValue, pair.key, at: pair.mark,
                                    "the claim \"\(pair.claim)\" is set twice")
            }
        }
        mapping = pairs.map { ($0.field, $0.claim) }
    }

    public func claims(for subject: ClaimsSubject) throws(ClaimsFailure) -> JSONObject {
        var claims = JSONObject()
        for (field, claim) in mapping {
            if let reader = Self.readers.first(where: { $0.name == field }) { claims[claim] = reader.read(subject.user) }
        }
        return claims
    }
}

