import JSON

/// A source of custom claims, selected in the settings file by its registered ID:
///
/// ```yaml
/// claims:
///   - provider: acme.roles        # the ID it is registered under
///     on_error: fail              # common to every provider: fail (default) or skip
///     endpoint: /run/roles.sock   # the provider's own options
/// ```
///
/// Lifecycle, in order (the model is Caddy's modules):
/// 1. `init(options:)` decodes the entry's options, strictly: the registry refuses keys outside `optionKeys`
///    before calling it, and every accessor of `ProviderOptions` refuses wrong types. No side effects here:
///    no files, sockets or processes, so `authd check-config` is safe to run anywhere.
/// 2. `validate(_:)` checks what lies outside the settings file (an executable exists, the store is there).
///    `authd check-config` and `authd serve` both run it.
/// 3. `claims(for:)` is asked for each token issued (and, with `reevaluate_on_refresh`, at each refresh).
///    It runs on the password-hashing pool, may block for a short while, and is called from several threads
///    at once: keep state immutable or lock it. Throw a `ClaimsFailure` to report a problem; the entry's
///    `on_error` decides whether the token is refused (503) or issued without these claims.
/// 4. `shutdown()` releases what validation or use acquired. It is called once, also after a failed validation
///    of another entry, and never concurrently with `claims(for:)`.
///
/// Claims named like those authd sets itself (`exp`, `jti`, the user id claim, …) are dropped with a warning,
/// and the pipeline caps the total size of all providers' claims.
public protocol ClaimsProvider: Sendable {
    /// One line for `authd plugins`.
    static var summary: String { get }
    /// The option keys `init(options:)` reads, besides `provider` and `on_error`. Any other key is an error.
    static var optionKeys: [String] { get }

    init(options: ProviderOptions) throws(PluginError)

    func validate(_ environment: ProviderEnvironment) throws(PluginError)

    func claims(for subject: ClaimsSubject) throws(ClaimsFailure) -> JSONObject

    func shutdown()

    /// Whether `claims(for:)` may block (run a process, read the store). Providers that only compute from the
    /// user and their options say false, so tokens they serve are made without a hop to the claims pool.
    static var mayBlock: Bool { get }
}

extension ClaimsProvider {
    public static var mayBlock: Bool { true }
    public func validate(_ environment: ProviderEnvironment) throws(PluginError) {}
    public func shutdown() {}
}
