/// Python string helpers where DRF's behaviour depends on them.
public enum PythonString {
    /// `str.strip()`: removes leading and trailing Unicode whitespace.
    public static func strip(_ s: String) -> String {
        // Fast path: printable ASCII at both ends means nothing to strip (tokens, usernames).
        if let first = s.utf8.first, let last = s.utf8.last, first > 32, first < 127, last > 32, last < 127 { return s }
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
