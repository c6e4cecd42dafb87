/// A username and password as submitted to obtain (the password exactly as sent: authd does not trim it).
public struct Credentials: Sendable {
    public var username: String
    public var password: [UInt8]

    public init(username: String, password: [UInt8]) {
        self.username = username
        self.password = password
    }
}
