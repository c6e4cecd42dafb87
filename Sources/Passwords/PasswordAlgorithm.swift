/// The Django password hashers authd reads (every one Django ships but the unsalted legacy ones) and writes, by
/// the name that starts a Django hash.
public enum PasswordAlgorithm: String, Sendable, CaseIterable {
    case pbkdf2_sha256
    case pbkdf2_sha1
    case scrypt
    case argon2
    case bcrypt_sha256
    case bcrypt
    /// Verified only, never produced: a user stored with it is rehashed with the configured hasher at the next login.
    case md5

    /// The hashers `passwords.hasher` may name, for new passwords.
    public static var producible: [PasswordAlgorithm] { allCases.filter { $0 != .md5 } }
}
