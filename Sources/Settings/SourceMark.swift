/// A position in a settings file, 1-based, so messages read like compiler diagnostics.
///
/// `file` is the settings path exactly as given (`authd.yaml` when run as `--config authd.yaml`,
/// `/etc/authd/authd.yaml` for the absolute path), so the user can paste it into an editor.
public struct SourceMark: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
