/// Every problem found in one pass over a settings file, in file order.
///
/// `description` lists one error per line, ready for `authd check-config` to print.
public struct SettingsErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [SettingsError]

    public init(_ errors: [SettingsError]) {
        self.errors = errors
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
