import JSON

/// The three segments of a compact JWS, decoded the way PyJWT's `PyJWS._load` does, with its error wording.
struct CompactToken {
    let header: JSONObject
    let payload: [UInt8]
    /// Length in bytes of "header.payload", the signed input, at the start of the token.
    let signingInputLength: Int
    let signature: [UInt8]

    init(_ token: UnsafeBufferPointer<UInt8>) throws(JWTDecodeError) {
        // PyJWT: rsplit on the last ".", then split the rest on the first ".".
        guard let lastDot = token.lastIndex(of: UInt8(ascii: ".")),
              let firstDot = token[..<lastDot].firstIndex(of: UInt8(ascii: "."))
        else { throw Self.malformed("Not enough segments") }

        guard let headerBytes = Base64URL.decode(UnsafeBufferPointer(rebasing: token[..<firstDot])) else {
            throw Self.malformed("Invalid header padding")
        }
        let headerValue: JSONValue
        do {
            headerValue = try JSON.parse(headerBytes)
        } catch {
            throw Self.malformed("Invalid header string: \(error.message)")
        }
        guard case .object(let header) = headerValue else {
            throw Self.malformed("Invalid header string: must be a json object")
        }
        try Self.validateHeader(header)
        if header["b64"] == .bool(false) {
            // RFC 7797 detached/unencoded payloads: SimpleJWT never makes them and PyJWT refuses them without a
            // separately supplied payload, which authd never has.
            throw Self.malformed("Unencoded payloads (\"b64\": false) are not supported")
        }
        guard let payload = Base64URL.decode(UnsafeBufferPointer(rebasing: token[(firstDot + 1)..<lastDot])) else {
            throw Self.malformed("Invalid payload padding")
        }
        guard let signature = Base64URL.decode(UnsafeBufferPointer(rebasing: token[(lastDot + 1)...])) else {
            throw Self.malformed("Invalid crypto padding")
        }
        self.header = header
        self.payload = payload
        self.signingInputLength = lastDot
        self.signature = signature
    }

    /// PyJWT's `_validate_headers`: `kid` must be a string; `crit` may only name extensions it understands.
    private static func validateHeader(_ header: JSONObject) throws(JWTDecodeError) {
        if let kid = header["kid"], kid.stringValue == nil {
            throw malformed("Key ID header parameter must be a string")
        }
        if let crit = header["crit"] {
            guard case .array(let names) = crit, !names.isEmpty else {
                throw malformed("Invalid 'crit' header: must be a non-empty list")
            }
            for name in names {
                guard let ext = name.stringValue else { throw malformed("Invalid 'crit' header: values must be strings") }
                guard ext == "b64" else { throw malformed("Unsupported critical extension: \(ext)") }
                guard header.contains(key: ext) else { throw malformed("Critical extension '\(ext)' is missing from headers") }
            }
        }
    }

    /// The payload as a JSON object (PyJWT's `_decode_payload`).
    func claims() throws(JWTDecodeError) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSON.parse(payload)
        } catch {
            throw Self.malformed("Invalid payload string: \(error.message)")
        }
        guard case .object(let claims) = value else {
            throw Self.malformed("Invalid payload string: must be a json object")
        }
        return claims
    }

    static func malformed(_ message: String) -> JWTDecodeError {
        JWTDecodeError(code: .malformed, message: message)
    }
}
