/// The outcome of checking a password against a stored hash.
public enum PasswordVerdict: Sendable, Equatable {
    /// Wrong password, unusable or malformed hash, or an algorithm authd does not support.
    case invalid
    /// The password matches. `needsRehash` is Django's `must_update`: the hash was made with another
    /// algorithm or other parameters than the configured ones, so store a fresh `encode` of the password.
    case valid(needsRehash: Bool)
}
