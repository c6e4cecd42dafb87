import CYAML

/// One parsing event, copied out of libyaml so no C memory outlives `LibYAMLParser.next()`.
enum YAMLEvent {
    case streamStart, streamEnd
    case documentStart(SourceMark), documentEnd
    case alias(anchor: String, mark: SourceMark)
    case scalar(text: String, plain: Bool, tag: String?, anchor: String?, mark: SourceMark)
    case sequenceStart(tag: String?, anchor: String?, mark: SourceMark), sequenceEnd
    case mappingStart(tag: String?, anchor: String?, mark: SourceMark), mappingEnd
}

/// Owns one libyaml parser and the input buffer it reads, both freed in `deinit` only.
///
/// The event API (not libyaml's document loader) is used so every node keeps its start mark and so this
/// code, not libyaml, decides about aliases, tags and duplicate keys.
final class LibYAMLParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let inputCount: Int
    private let file: String

    init?(bytes: [UInt8], file: String) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        // yaml_parser_initialize cleans up after itself when it fails, so only our allocation is undone.
        guard yaml_parser_initialize(parser) != 0 else {
            parser.deallocate()
            return nil
        }
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        self.parser = parser
        self.input = input
        self.inputCount = bytes.count
        self.file = file
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    func next() -> Result<YAMLEvent, SettingsError> {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) != 0 else { return .failure(syntaxError()) }
        defer { yaml_event_delete(&event) }
        let mark = sourceMark(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT: return .success(.streamStart)
        case YAML_STREAM_END_EVENT: return .success(.streamEnd)
        case YAML_DOCUMENT_START_EVENT: return .success(.documentStart(mark))
        case YAML_DOCUMENT_END_EVENT: return .success(.documentEnd)
        case YAML_ALIAS_EVENT:
            return .success(.alias(anchor: Self.string(event.data.alias.anchor) ?? "", mark: mark))
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = scalar.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
            } ?? ""
            return .success(.scalar(text: text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE,
                                    tag: Self.string(scalar.tag), anchor: Self.string(scalar.anchor), mark: mark))
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .success(.sequenceStart(tag: Self.string(start.tag), anchor: Self.string(start.anchor), mark: mark))
        case YAML_SEQUENCE_END_EVENT: return .success(.sequenceEnd)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .success(.mappingStart(tag: Self.string(start.tag), anchor: Self.string(start.anchor), mark: mark))
        case YAML_MAPPING_END_EVENT: return .success(.mappingEnd)
        default:
            return .failure(SettingsError(.syntax, file: file, mark: mark, keyPath: "",
                                          message: "YAML syntax error: unexpected parser event"))
        }
    }

    private func sourceMark(_ mark: yaml_mark_t) -> SourceMark {
        SourceMark(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private func syntaxError() -> SettingsError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "the text is not valid YAML"
        if state.error == YAML_READER_ERROR {
            // Reader errors (bad UTF-8, control characters) carry a byte offset instead of a mark.
            var detail = problem
            if state.problem_value != -1 { detail += " (byte 0x\(String(state.problem_value, radix: 16)))" }
            return SettingsError(.syntax, file: file, mark: markForOffset(state.problem_offset), keyPath: "",
                                 message: "YAML syntax error: \(detail); save the file as UTF-8 text")
        }
        var message = "YAML syntax error: \(problem)"
        if let context = state.context.map({ String(cString: $0) }) {
            let at = sourceMark(state.context_mark)
            message += " (\(context) at line \(at.line), column \(at.column))"
        }
        return SettingsError(.syntax, file: file, mark: sourceMark(state.problem_mark), keyPath: "", message: message)
    }

    private func markForOffset(_ offset: Int) -> SourceMark {
        var line = 1
        var column = 1
        for byte in input.prefix(min(offset, inputCount)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceMark(file: file, line: line, column: column)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
