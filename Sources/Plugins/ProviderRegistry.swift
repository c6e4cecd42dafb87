/// The providers `claims:` entries may name, by dot-namespaced ID (`claims.static`, `acme.roles`).
///
/// A mutable builder at start-up; `ClaimsPipeline` reads it once. Registration refuses empty or malformed IDs,
/// IDs in namespaces kept for authd itself (`claims.`, `authd.`: a future built-in can never collide with a
/// site's provider) and duplicates.
public struct ProviderRegistry: Sendable {
    public struct Registration: Sendable {
        public let id: String
        public let type: any ClaimsProvider.Type
        public var summary: String { type.summary }
    }

    /// In registration order.
    public private(set) var registrations: [Registration] = []

    /// An empty registry (tests); `standard()` is the one the daemon uses.
    public init() {}

    /// Namespaces kept for the built-ins listed in `BuiltInProviders`.
    public static let reservedNamespaces = ["claims", "authd"]

    /// Registers a site's own provider: `try registry.register(RolesProvider.self, as: "acme.roles")`.
    public mutating func register(_ type: any ClaimsProvider.Type, as id: String) throws(PluginError) {
        try register(type, as: id, builtIn: false)
    }

    mutating func register(_ type: any ClaimsProvider.Type, as id: String, builtIn: Bool) throws(PluginError) {
        try Self.checkSyntax(id)
        if !builtIn, let namespace = id.split(separator: ".").first, Self.reservedNamespaces.contains(String(namespace)) {
            throw PluginError(.reservedID, mark: nil, entry: "", message:
                "provider ID \"\(id)\" is in the \"\(namespace).\" namespace, which authd keeps for its own providers; "
                + "use your own namespace, such as \"acme.\(id.split(separator: ".").dropFirst().joined(separator: "."))\"")
        }
        guard provider(id) == nil else {
            throw PluginError(.duplicateID, mark: nil, entry: "", message: "provider ID \"\(id)\" is registered twice")
        }
        registrations.append(Registration(id: id, type: type))
    }

    public func provider(_ id: String) -> Registration? {
        registrations.first { $0.id == id }
    }

    public var ids: [String] { registrations.map(\.id) }

    /// The built-ins plus the site's providers (`LocalProviders`).
    public static func standard() throws(PluginError) -> ProviderRegistry {
        var registry = ProviderRegistry()
        for (id, type) in BuiltInProviders.all { try registry.register(type, as: id, builtIn: true) }
        try LocalProviders.register(into: &registry)
        return registry
    }

    /// Two or more lowercase words of `a-z`, `0-9` and `_`, separated by dots, each starting with a letter.
    static func checkSyntax(_ id: String) throws(PluginError) {
        let segments = id.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed = segments.count >= 2 && id.utf8.count <= 64 && segments.allSatisfy { segment in
            guard let first = segment.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
            return segment.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        }
        guard wellFormed else {
            let shown = id.isEmpty ? "an empty provider ID" : "provider ID \"\(id)\""
            throw PluginError(.invalidID, mark: nil, entry: "", message:
                "\(shown) is not valid; use dot-separated lowercase words such as \"acme.roles\"")
        }
    }
}
