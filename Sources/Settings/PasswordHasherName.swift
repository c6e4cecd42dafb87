/// A Django password hasher by its algorithm prefix (`pbkdf2_sha256$…`).
public struct PasswordHasherName: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    private init(_ name: String) { self.name = name }

    public static let pbkdf2SHA256 = PasswordHasherName("pbkdf2_sha256")
    public static let pbkdf2SHA1 = PasswordHasherName("pbkdf2_sha1")
    public static let scrypt = PasswordHasherName("scrypt")
    public static let all: [PasswordHasherName] = [.pbkdf2SHA256, .pbkdf2SHA1, .scrypt]

    public var description: String { name }
}
