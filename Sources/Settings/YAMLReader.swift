/// Turns YAML text into one `YAMLNode` tree, refusing what a settings file should never contain.
///
/// Decisions:
/// - An empty file (or one holding only comments, or a lone `---`) has no root: all settings take defaults.
/// - Several documents, non-scalar mapping keys, duplicate keys and tags other than `!!str` are errors.
/// - Aliases are resolved (anchors help share `claims:` options), but the expanded tree is capped so a
///   "billion laughs" file cannot exhaust memory; nesting is capped so nothing recurses without bound.
public enum YAMLReader {
    static let maxDepth = 64
    static let maxAliasExpansion = 10_000

    public static func parse(yaml: String, file: String) -> Result<YAMLNode?, SettingsErrors> {
        let (root, errors) = read(Array(yaml.utf8), file: file)
        return errors.isEmpty ? .success(root) : .failure(SettingsErrors(errors))
    }

    /// Returns the root (nil for an empty stream) and every structural error found.
    /// A syntax error stops reading: libyaml cannot continue past it.
    static func read(_ bytes: [UInt8], file: String) -> (root: YAMLNode?, errors: [SettingsError]) {
        guard let parser = LibYAMLParser(bytes: bytes, file: file) else {
            return (nil, [SettingsError(.io, file: file, mark: nil, keyPath: "",
                                        message: "cannot start the YAML parser (out of memory)")])
        }
        var builder = TreeBuilder(file: file)
        while true {
            switch parser.next() {
            case .failure(let error):
                return (nil, builder.errors + [error])
            case .success(let event):
                switch builder.consume(event) {
                case .more: continue
                case .done: return (builder.root, builder.errors)
                case .abort: return (nil, builder.errors)
                }
            }
        }
    }
}

/// The stack machine that assembles nodes from parser events.
private struct TreeBuilder {
    enum Step { case more, done, abort }

    private struct Frame {
        let isMapping: Bool
        let mark: SourceMark
        let anchor: String?
        var items: [YAMLNode] = []
        var entries: [(key: YAMLNode, value: YAMLNode)] = []
        var pendingKey: YAMLNode?
        var dropPendingValue = false
        var firstSeen: [String: SourceMark] = [:]
        var size = 1
    }

    let file: String
    var root: YAMLNode?
    var errors: [SettingsError] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var documents = 0
    private var expanded = 0

    init(file: String) { self.file = file }

    mutating func consume(_ event: YAMLEvent) -> Step {
        switch event {
        case .streamStart, .documentEnd:
            return .more
        case .streamEnd:
            return .done
        case .documentStart(let mark):
            documents += 1
            if documents > 1 {
                fail(.unsupportedYAML, mark, path: "",
                     "a settings file holds one YAML document; remove the second \"---\" and what follows")
                return .done
            }
            return .more
        case .alias(let anchor, let mark):
            guard let target = anchors[anchor] else {
                fail(.unsupportedYAML, mark, path: currentPath(), "alias *\(anchor) refers to no anchor defined before it")
                return .abort
            }
            expanded += target.size
            if expanded > YAMLReader.maxAliasExpansion {
                fail(.unsupportedYAML, mark, path: currentPath(),
                     "aliases expand to more than \(YAMLReader.maxAliasExpansion) values; write the values out")
                return .abort
            }
            add(target.node, size: target.size)
            return .more
        case .scalar(let text, let plain, let tag, let anchor, let mark):
            var plain = plain
            if let tag {
                if tag == "tag:yaml.org,2002:str" || tag == "!" {
                    plain = false  // an explicit string tag makes the text a string, like quotes do
                } else {
                    unsupportedTag(tag, mark)
                }
            }
            let node = YAMLNode(.scalar(text, plain: plain), mark: mark)
            if let anchor { anchors[anchor] = (node, 1) }
            add(node, size: 1)
            return .more
        case .sequenceStart(let tag, let anchor, let mark), .mappingStart(let tag, let anchor, let mark):
            let isMapping: Bool
            if case .mappingStart = event { isMapping = true } else { isMapping = false }
            if let tag, tag != (isMapping ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq") {
                unsupportedTag(tag, mark)
            }
            if stack.count >= YAMLReader.maxDepth {
                fail(.unsupportedYAML, mark, path: currentPath(),
                     "values are nested more than \(YAMLReader.maxDepth) levels deep; flatten them")
                return .abort
            }
            stack.append(Frame(isMapping: isMapping, mark: mark, anchor: anchor))
            return .more
        case .sequenceEnd, .mappingEnd:
            guard let frame = stack.popLast() else { return .abort }
            let node = YAMLNode(frame.isMapping ? .mapping(frame.entries) : .sequence(frame.items), mark: frame.mark)
            if let anchor = frame.anchor { anchors[anchor] = (node, frame.size) }
            add(node, size: frame.size)
            return .more
        }
    }

    private mutating func add(_ node: YAMLNode, size: Int) {
        guard var frame = stack.popLast() else {
            root = node
            return
        }
        frame.size += size
        if !frame.isMapping {
            frame.items.append(node)
        } else if let key = frame.pendingKey {
            if !frame.dropPendingValue { frame.entries.append((key, node)) }
            frame.pendingKey = nil
            frame.dropPendingValue = false
        } else {
            frame.pendingKey = node
            if let text = node.scalar {
                if let first = frame.firstSeen[text] {
                    stack.append(frame)
                    fail(.duplicateKey, node.mark, path: currentPath(),
                         "duplicate key \"\(text)\" (first set at line \(first.line), column \(first.column)); keep only one")
                    frame = stack.removeLast()
                    frame.dropPendingValue = true
                } else {
                    frame.firstSeen[text] = node.mark
                }
            } else {
                let parent = pathOfStack()
                fail(.unsupportedYAML, node.mark, path: parent,
                     "mapping keys must be plain names, not \(node.kindDescription)")
                frame.dropPendingValue = true
            }
        }
        stack.append(frame)
    }

    private mutating func unsupportedTag(_ tag: String, _ mark: SourceMark) {
        let prefix = "tag:yaml.org,2002:"
        let shown = tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
        fail(.unsupportedYAML, mark, path: currentPath(), "YAML tag \(shown) is not supported; remove it")
    }

    private mutating func fail(_ code: SettingsError.Code, _ mark: SourceMark, path: String, _ message: String) {
        errors.append(SettingsError(code, file: file, mark: mark, keyPath: path, message: message))
    }

    /// The key path of the value being built next, e.g. `listen[1].tcp`.
    private func currentPath() -> String { pathOfStack() }

    private func pathOfStack() -> String {
        var path = ""
        for frame in stack {
            if frame.isMapping {
                guard let key = frame.pendingKey?.scalar else { break }
                path = path.isEmpty ? key : path + "." + key
            } else {
                path += "[\(frame.items.count)]"
            }
        }
        return path
    }
}
