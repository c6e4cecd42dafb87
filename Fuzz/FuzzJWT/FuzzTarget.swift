import FuzzSupport
import JOSE
import JSON

@_cdecl("FuzzJWT_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzJWT)
}

private let codec = try! JWTCodec(algorithm: .HS256, signingKey: Array("fuzz-secret-of-at-least-thirty-two-bytes".utf8),
                                  verifyingKey: nil)

/// JWT decode and verify (HS256, the claim checks): a token is accepted only if its signature is right; anything
/// else is a decode error, never a crash. Inputs that start with "SIGN:" are signed first, so the fuzzer also
/// explores the claim checks behind a valid signature.
func fuzzJWT(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: FuzzDriver.bytes(data, size), as: UTF8.self)
    _ = try? JWTInspector.decodeUnverified(text)
    var validation = JWTValidation()
    validation.audience = ["fuzz"]
    validation.issuer = "authd"
    if text.hasPrefix("SIGN:"), let claims = try? JSON.parse(String(text.dropFirst(5))), case .object(let object) = claims,
       let token = try? codec.sign(object) {
        _ = try? codec.decode(token, validation: validation, now: 1_800_000_000)
    } else {
        _ = try? codec.decode(text, validation: validation, now: 1_800_000_000)
    }
    return 0
}
