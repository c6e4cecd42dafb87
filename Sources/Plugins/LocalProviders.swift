/// A site's own providers, compiled into authd: add one line per provider here (see docs/PLUGINS.md).
/// Use your own namespace; `claims.` and `authd.` are kept for authd's built-ins.
enum LocalProviders {
    static func register(into registry: inout ProviderRegistry) throws(PluginError) {
        // try registry.register(RolesProvider.self, as: "acme.roles")
    }
}
