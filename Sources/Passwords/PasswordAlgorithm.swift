/// The Django password hashers authd reads and writes, by the name that starts a Django hash.
public enum PasswordAlgorithm: String, Sendable, CaseIterable {
    case pbkdf2_sha256
    case pbkdf2_sha1
    case scrypt
}
