import Store

/// What happened in the token domain, for observers that are not the caller: the audit log (security events)
/// and metrics (counters). Events carry identifiers, never a password, a token or a secret.
public enum TokenEvent: Sendable {
    /// Credentials were accepted and tokens issued.
    case loginSucceeded(userID: Int64, username: String, context: RequestContext)
    /// Credentials were refused; `reason` is for the log only (clients always get the same answer).
    case loginFailed(username: String, reason: LoginFailure, context: RequestContext)
    /// A token was signed and handed out (obtain, refresh, sliding refresh).
    case issued(kind: TokenKind)
    /// A refresh token was rotated: the old one is replaced (and blacklisted with BLACKLIST_AFTER_ROTATION).
    case rotated(context: RequestContext)
    /// An already-rotated refresh token came back; outside the grace window its family was revoked.
    case reuseDetected(jti: String, revokedTokens: Int, withinGrace: Bool, context: RequestContext)
    /// A refresh token was blacklisted on request (logout).
    case loggedOut(jti: String, context: RequestContext)
    /// An operation was refused with a temporary failure (503): hashing pool full, claims or store unavailable.
    case unavailable(TokenError.Code)
}

/// Why a login failed, as the audit log names it.
public enum LoginFailure: String, Sendable, CaseIterable {
    case unknownUser = "no such user"
    case badPassword = "bad password"
    case inactive = "inactive"
    /// Too many failed logins (`security.login_throttle`): refused before any password work.
    case throttled = "throttled"
}

/// Receives the domain's events. Called on whatever thread the operation is on (event loop, pool, store
/// writer): keep it short and never block.
public protocol TokenEventSink: Sendable {
    func record(_ event: TokenEvent)
}

/// Observers that each get every event, in order.
public struct TokenEventSinks: TokenEventSink {
    public let sinks: [any TokenEventSink]

    public init(_ sinks: [any TokenEventSink]) { self.sinks = sinks }

    public func record(_ event: TokenEvent) {
        for sink in sinks { sink.record(event) }
    }
}
