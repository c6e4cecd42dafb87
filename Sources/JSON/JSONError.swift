/// Why a document is not valid JSON. `message` reads like Python's `json` module
/// ("Expecting value: line 1 column 1 (char 0)") because DRF puts that text in its 400 answer.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable { case syntax, invalidUTF8, outOfRange, tooDeep }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// The text is not JSON (the Python `JSONDecodeError` family).
        public static let syntax = Code(.syntax)
        /// The bytes are not UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// NaN, Infinity, or a number too large for a double.
        public static let outOfRange = Code(.outOfRange)
        /// Nesting deeper than `JSON.maximumDepth`.
        public static let tooDeep = Code(.tooDeep)
        public var description: String { "\(kind)" }
    }

    public let code: Code
    public let message: String
    /// Offset of the problem in Unicode scalars of the document (Python's "char"), when known.
    public let offset: Int?

    public init(code: Code, message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { message }

    public static func == (lhs: JSONError, rhs: JSONError) -> Bool { lhs.code == rhs.code }
}
