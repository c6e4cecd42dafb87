import Logging
import Tokens

/// The audit log: one structured line per security event, at `notice` (`<5>`), through the daemon's logger, so
/// `logging.format: json` makes each one a JSON object. A `TokenEventSink` for the domain's events, plus entry
/// points for what happens outside it: a password changed by `authd user passwd`, a settings reload.
///
/// Never a password, a token or a secret: users by name (and id once known), tokens by a jti prefix.
public struct AuditLog: TokenEventSink {
    public let log: Logger

    public init(log: Logger) { self.log = log }

    public func record(_ event: TokenEvent) {
        switch event {
        case let .loginSucceeded(userID, username, context):
            log.event(.notice, "login_succeeded", [("user", .string(username)), ("user_id", .int(Int(userID)))] + client(context))
        case let .loginFailed(username, reason, context):
            log.event(.notice, "login_failed", [("user", .string(username)), ("reason", .string(reason.rawValue))] + client(context))
        case let .reuseDetected(jti, revoked, withinGrace, context):
            log.event(withinGrace ? .notice : .warning, "refresh_reuse_detected",
                      [("jti", .string(TokenIdentifiers.prefix(jti))), ("family_tokens_revoked", .int(revoked)),
                       ("within_grace", .bool(withinGrace))] + client(context))
        case let .loggedOut(jti, context):
            log.event(.notice, "logout", [("jti", .string(TokenIdentifiers.prefix(jti)))] + client(context))
        case .issued, .rotated, .unavailable:
            break  // counters (metrics), not security events
        }
    }

    /// `authd user passwd`: a password was replaced.
    public func passwordChanged(username: String, by actor: String) {
        log.event(.notice, "password_changed", [("user", .string(username)), ("by", .string(actor))])
    }

    /// A reload of the settings (SIGHUP): whether it took effect, and why not (the file:line:col errors).
    public func reload(succeeded: Bool, detail: String = "") {
        var fields: [(String, Logger.Value)] = [("succeeded", .bool(succeeded))]
        if !detail.isEmpty { fields.append(("detail", .string(detail))) }
        log.event(succeeded ? .notice : .warning, "reload", fields)
    }

    private func client(_ context: RequestContext) -> [(String, Logger.Value)] {
        [("client", .string(context.peer)), ("listener", .int(context.listener))]
    }
}
