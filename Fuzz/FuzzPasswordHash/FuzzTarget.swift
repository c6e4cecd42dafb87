import FuzzSupport
@testable import Passwords

@_cdecl("FuzzPasswordHash_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzPasswordHash)
}

private let hasher = try! PasswordHasher(algorithm: .pbkdf2_sha256, iterations: 1)

/// The parser of stored Django hashes (every hasher's format): parsed or refused, never a crash. Hashes whose costs
/// are cheap are verified too (libargon2, crypt_r, OpenSSL); costly ones only parsed, as planted hashes are.
func fuzzPasswordHash(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: FuzzDriver.bytes(data, size), as: UTF8.self)
    guard let parsed = EncodedPassword(text) else { return 0 }
    let cheap: Bool
    switch parsed.parameters {
    case .pbkdf2(let iterations): cheap = iterations <= 64
    case .scrypt(let n, let r, let p):
        // Overflow-checked: the fuzzer found that r·p of a planted hash overflows (the harness's own arithmetic;
        // authd's checkScrypt already multiplied with overflow checks).
        let (np, overflowed1) = n.multipliedReportingOverflow(by: p)
        let (work, overflowed2) = np.multipliedReportingOverflow(by: r)
        cheap = !overflowed1 && !overflowed2 && work <= 4096
    case .argon2(let costs): cheap = costs.memory <= 256 && costs.time <= 2 && costs.parallelism <= 2
    case .bcrypt(let rounds): cheap = rounds <= 4
    case .md5: cheap = true
    }
    if cheap { _ = hasher.verify(Array("password".utf8), against: text) }
    return 0
}
