/// A YAML value with the position it came from, so every later error can point at it.
///
/// Scalars stay text: authd decides what a scalar means from the setting it belongs to (a duration, a port, a
/// name), which avoids YAML 1.1 surprises such as `NO` becoming false or `0660` becoming 432.
/// `plain` tells an unquoted scalar from a quoted one, so `"true"` is a string and `true` a boolean.
public struct YAMLNode: Sendable, CustomStringConvertible {
    public enum Content: Sendable {
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    public let content: Content
    public let mark: SourceMark

    public init(_ content: Content, mark: SourceMark) {
        self.content = content
        self.mark = mark
    }

    /// True for the YAML core schema's null spellings written unquoted: empty, `~`, `null`, `Null`, `NULL`.
    public var isNull: Bool {
        guard case .scalar(let text, plain: true) = content else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// The text of a scalar (also of a null), nil for a list or a mapping.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// True for an unquoted scalar.
    public var isPlainScalar: Bool {
        if case .scalar(_, plain: true) = content { return true }
        return false
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The value for a scalar key of a mapping (keys are unique: the reader refuses duplicates).
    public subscript(key: String) -> YAMLNode? {
        mapping?.first(where: { $0.key.scalar == key })?.value
    }

    /// How this value reads in "expected …, got …" messages.
    public var kindDescription: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let text, _):
            if isNull { return "null" }
            return "\"\(text)\""
        }
    }

    public var description: String {
        switch content {
        case .scalar(let text, let plain): return plain ? text : "\"\(text)\""
        case .sequence(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}
