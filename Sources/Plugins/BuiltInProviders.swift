/// authd's own providers: the one place they are listed, in the order `authd plugins` prints them.
enum BuiltInProviders {
    static let all: [(id: String, type: any ClaimsProvider.Type)] = [
        ("claims.static", StaticClaimsProvider.self),
        ("claims.user_fields", UserFieldsClaimsProvider.self),
        ("claims.groups", GroupsClaimsProvider.self),
        ("claims.command", CommandClaimsProvider.self),
    ]
}
