/// Reads a token without checking anything but its shape — for `authd token inspect` and logging. Never trust
/// the result for authentication.
public enum JWTInspector {
    public static func decodeUnverified(_ token: String) throws(JWTDecodeError) -> JWT {
        var token = token
        let result: Result<JWT, JWTDecodeError> = token.withUTF8 { bytes in
            Result { () throws(JWTDecodeError) in
                let parts = try CompactToken(bytes)
                return JWT(header: parts.header, claims: try parts.claims())
            }
        }
        return try result.get()
    }
}
