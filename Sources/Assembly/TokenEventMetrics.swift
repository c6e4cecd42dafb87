import Metrics
import Tokens

/// The token domain's events as Prometheus counters: the metrics side of `TokenEventSink`, so no counter is
/// sprinkled through the domain. The counters live in the registry, so every runtime (reloads) shares them.
public struct TokenEventMetrics: TokenEventSink {
    let loginsSucceeded: Counter
    let loginFailures: [LoginFailure: Counter]
    let issuedAccess: Counter
    let issuedRefresh: Counter
    let issuedSliding: Counter
    let rotations: Counter
    let reuseRevoked: Counter
    let reuseWithinGrace: Counter
    let familyTokensRevoked: Counter
    let logouts: Counter
    let hashingBusy: Counter
    let claimsUnavailable: Counter
    let storeUnavailable: Counter

    public init(_ registry: MetricsRegistry) {
        loginsSucceeded = registry.counter("authd_logins_total", help: "Successful logins (obtain, sliding obtain).")
        var failures: [LoginFailure: Counter] = [:]
        for reason in LoginFailure.allCases {
            failures[reason] = registry.counter("authd_login_failures_total", help: "Refused logins, by reason.",
                                                labels: [("reason", Self.label(reason))])
        }
        loginFailures = failures
        func issued(_ type: String) -> Counter {
            registry.counter("authd_tokens_issued_total", help: "Tokens signed and handed out, by type.",
                             labels: [("type", type)])
        }
        issuedAccess = issued("access")
        issuedRefresh = issued("refresh")
        issuedSliding = issued("sliding")
        rotations = registry.counter("authd_refresh_rotations_total", help: "Refresh tokens rotated (ROTATE_REFRESH_TOKENS).")
        func reuse(_ outcome: String) -> Counter {
            registry.counter("authd_refresh_reuse_detected_total",
                             help: "Already-rotated refresh tokens presented again: family_revoked (theft assumed) or grace (the immediate predecessor within security.refresh_reuse_grace).",
                             labels: [("outcome", outcome)])
        }
        reuseRevoked = reuse("family_revoked")
        reuseWithinGrace = reuse("grace")
        familyTokensRevoked = registry.counter("authd_family_tokens_revoked_total",
                                               help: "Tokens revoked because their family's refresh token was reused.")
        logouts = registry.counter("authd_logouts_total", help: "Refresh tokens blacklisted on request (logout).")
        func unavailable(_ cause: String) -> Counter {
            registry.counter("authd_unavailable_total", help: "Requests answered 503, by cause.", labels: [("cause", cause)])
        }
        hashingBusy = unavailable("hashing_queue_full")
        claimsUnavailable = unavailable("claims_provider")
        storeUnavailable = unavailable("store")
    }

    static func label(_ reason: LoginFailure) -> String {
        switch reason {
        case .unknownUser: return "unknown_user"
        case .badPassword: return "bad_password"
        case .inactive: return "inactive"
        }
    }

    public func record(_ event: TokenEvent) {
        switch event {
        case .loginSucceeded:
            loginsSucceeded.increment()
        case .loginFailed(_, let reason, _):
            loginFailures[reason]?.increment()
        case .issued(let kind):
            switch kind {
            case .access: issuedAccess.increment()
            case .refresh: issuedRefresh.increment()
            case .sliding: issuedSliding.increment()
            default: break
            }
        case .rotated:
            rotations.increment()
        case .reuseDetected(_, let revoked, let withinGrace, _):
            if withinGrace {
                reuseWithinGrace.increment()
            } else {
                reuseRevoked.increment()
            }
            familyTokensRevoked.increment(by: UInt64(max(0, revoked)))
        case .loggedOut:
            logouts.increment()
        case .unavailable(let code):
            if code == .hashingBusy {
                hashingBusy.increment()
            } else if code == .claimsUnavailable {
                claimsUnavailable.increment()
            } else {
                storeUnavailable.increment()
            }
        }
    }
}
