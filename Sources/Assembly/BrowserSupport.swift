import API
import Settings
import Store
import Tokens

/// The parts of a runtime that serve browser apps and their proxy, built once from `cookies:`, `forward_auth:`
/// and SIMPLE_JWT: the cookie delivery of `delivery: cookie` listeners and the forward-auth route of every
/// listener.
struct BrowserSupport {
    let settings: AuthdSettings
    let authenticator: RequestAuthenticator
    let binding: SessionBinding

    init(settings: AuthdSettings, tokens: TokenService, store: any UserStore & StoreChangeFeed) {
        self.settings = settings
        let users = settings.forwardAuth.checkUser ? UserActivityView(users: store, changes: store) : nil
        authenticator = RequestAuthenticator(service: tokens, users: users)
        binding = SessionBinding(signingKey: settings.simpleJWT.signingKey.bytes)
    }

    func cookieDelivery(for listener: ListenerSettings) -> CookieDelivery {
        CookieDelivery(options: cookieOptions(for: listener), binding: binding, policy: authenticator.policy)
    }

    func cookieOptions(for listener: ListenerSettings) -> CookieOptions {
        let cookies = settings.cookies
        var options = CookieOptions()
        options.accessName = cookies.accessCookie
        options.refreshName = cookies.refreshCookie
        options.csrfName = cookies.csrfCookie
        options.csrfHeader = cookies.csrfHeader
        options.secure = cookies.secure
        options.sameSite = CookieOptions.SameSite(rawValue: cookies.sameSite.rawValue) ?? .lax
        options.domain = cookies.domain
        options.allowedOrigins = Set(cookies.allowedOrigins)
        options.refreshPath = listener.prefix
        return options
    }

    /// `<prefix>/auth/`; on cookie listeners it also reads the access cookie.
    func forwardAuthRoute(for listener: ListenerSettings) -> Route {
        let forward = settings.forwardAuth
        return ForwardAuthRoute(
            authenticator: authenticator, headerName: settings.simpleJWT.authHeaderName.httpName,
            headerTypes: settings.simpleJWT.authHeaderTypes,
            accessCookie: listener.delivery == .cookie ? settings.cookies.accessCookie : nil,
            mappings: forward.headers.map { (header: $0.header, claim: $0.claim) },
            rules: forward.rules.map { rule in
                AccessRule(pathPrefix: rule.pathPrefix, host: rule.host,
                           require: rule.require.map { (claim: $0.claim, value: $0.value) })
            }
        ).route(prefix: listener.prefix)
    }
}
