/// Entry points for parsing and serialising JSON with Python's `json` semantics.
public enum JSON {
    /// Deepest array/object nesting the parser accepts; deeper input is refused rather than risking the stack.
    public static let maximumDepth = 64

    /// Parses a complete UTF-8 document (RFC 8259, strict: no NaN/Infinity, no trailing commas, no comments).
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONValue {
        let result: Result<JSONValue, JSONError>? = bytes.withContiguousStorageIfAvailable { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONError) in try parser.parseDocument() }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONError) in try parser.parseDocument() }
        }.get()
    }

    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONError) in try parser.parseDocument() }
        }.get()
    }

    /// Compact serialisation, byte-for-byte like `json.dumps(value, separators=(",", ":"))`.
    /// `escapeNonASCII` is Python's `ensure_ascii` (PyJWT uses it for token payloads; DRF responses do not).
    public static func serialize(_ value: JSONValue, escapeNonASCII: Bool = false) -> [UInt8] {
        var out = JSONSerializer(escapeNonASCII: escapeNonASCII)
        out.write(value)
        return out.bytes
    }

    public static func serializeString(_ value: JSONValue, escapeNonASCII: Bool = false) -> String {
        String(decoding: serialize(value, escapeNonASCII: escapeNonASCII), as: UTF8.self)
    }

    /// Serialises an object (the common case for tokens and responses) without wrapping it first.
    public static func serialize(_ object: JSONObject, escapeNonASCII: Bool = false) -> [UInt8] {
        var out = JSONSerializer(escapeNonASCII: escapeNonASCII)
        out.write(object)
        return out.bytes
    }
}
