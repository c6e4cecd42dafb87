import Settings
import Tokens

extension LoginThrottle {
    /// `security.login_throttle` as the domain uses it; nil when it is switched off.
    convenience init?(_ settings: LoginThrottleSettings) {
        guard settings.enabled else { return nil }
        func limit(_ value: LoginThrottleSettings.Limit) -> Limit {
            Limit(failures: value.failures, window: value.window.seconds)
        }
        self.init(limits: Limits(addressAndUsername: limit(settings.addressAndUsername), address: limit(settings.address),
                                 username: limit(settings.username), usernameMaxDelay: settings.usernameMaxDelay.seconds,
                                 maxEntries: settings.maxEntries))
    }
}
