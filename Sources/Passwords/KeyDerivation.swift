import COpenSSL

/// PBKDF2 and scrypt from OpenSSL with Django's output lengths, and the bounds authd accepts.
enum KeyDerivation {
    enum Digest {
        case sha256, sha1
    }

    /// Iteration counts above this are refused: a planted hash must not cost minutes of CPU per login.
    /// (67 times Django 6.1's default of 1,500,000.)
    static let maxIterations = 100_000_000
    /// scrypt may use this much memory (OpenSSL's default, which Django relies on, is 32 MiB).
    static let scryptMaxMemory: UInt64 = 128 * 1024 * 1024
    /// N·r·p above this is refused, for the same reason as maxIterations (Django's default is 655,360).
    static let scryptMaxWork = 1 << 27

    /// Django's pbkdf2(): the key is as long as the digest (32 bytes for SHA-256, 20 for SHA-1).
    static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int, digest: Digest) throws(PasswordError) -> [UInt8] {
        try checkPBKDF2(iterations: iterations)
        guard password.count <= Int32.max, salt.count <= Int32.max else {
            throw PasswordError(.invalidParameters, "the password or salt is too long")
        }
        let md = digest == .sha256 ? EVP_sha256() : EVP_sha1()
        let length = digest == .sha256 ? 32 : 20
        var key = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { saltBytes in
                key.withUnsafeMutableBufferPointer { out in
                    pass.withMemoryRebound(to: CChar.self) { passChars in
                        PKCS5_PBKDF2_HMAC(
                            passChars.baseAddress, Int32(pass.count), saltBytes.baseAddress, Int32(saltBytes.count),
                            Int32(iterations), md, Int32(length), out.baseAddress)
                    }
                }
            }
        }
        guard ok == 1 else { throw libraryError("PKCS5_PBKDF2_HMAC") }
        return key
    }

    /// Django's ScryptPasswordHasher: hashlib.scrypt with dklen 64.
    static func scrypt(password: [UInt8], salt: [UInt8], workFactor n: Int, blockSize r: Int, parallelism p: Int) throws(PasswordError) -> [UInt8] {
        try checkScrypt(workFactor: n, blockSize: r, parallelism: p)
        var key = [UInt8](repeating: 0, count: 64)
        let ok = password.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { saltBytes in
                key.withUnsafeMutableBufferPointer { out in
                    pass.withMemoryRebound(to: CChar.self) { passChars in
                        EVP_PBE_scrypt(
                            passChars.baseAddress, pass.count, saltBytes.baseAddress, saltBytes.count,
                            UInt64(n), UInt64(r), UInt64(p), scryptMaxMemory, out.baseAddress, out.count)
                    }
                }
            }
        }
        guard ok == 1 else { throw libraryError("EVP_PBE_scrypt") }
        return key
    }

    static func checkPBKDF2(iterations: Int) throws(PasswordError) {
        guard iterations >= 1, iterations <= maxIterations else {
            throw PasswordError(.invalidParameters, "PBKDF2 iterations must be between 1 and \(maxIterations), got \(iterations)")
        }
    }

    static func checkScrypt(workFactor n: Int, blockSize r: Int, parallelism p: Int) throws(PasswordError) {
        guard n > 1, n & (n - 1) == 0 else {
            throw PasswordError(.invalidParameters, "the scrypt work factor must be a power of two above 1, got \(n)")
        }
        guard r >= 1, p >= 1, r <= scryptMaxWork, p <= scryptMaxWork else {
            throw PasswordError(.invalidParameters, "scrypt block size and parallelism must be at least 1, got r=\(r) p=\(p)")
        }
        let (np, overflow1) = n.multipliedReportingOverflow(by: p)
        let (work, overflow2) = np.multipliedReportingOverflow(by: r)
        guard !overflow1, !overflow2, work <= scryptMaxWork else {
            throw PasswordError(.invalidParameters, "scrypt N·r·p must be at most \(scryptMaxWork), got N=\(n) r=\(r) p=\(p)")
        }
        // scrypt needs 128·r·N bytes for V plus 128·r·p for B; OpenSSL refuses more than maxmem.
        let memory = UInt64(128 * r) * UInt64(n) + UInt64(128 * r) * UInt64(p)
        guard memory <= scryptMaxMemory else {
            throw PasswordError(.invalidParameters, "scrypt with N=\(n) r=\(r) p=\(p) needs \(memory >> 20) MiB; "
                + "at most \(scryptMaxMemory >> 20) MiB is allowed")
        }
    }

    /// Packs OpenSSL's error queue into the error (and empties it, so it cannot leak into another call).
    static func libraryError(_ call: String) -> PasswordError {
        var details: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            details.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let reason = details.isEmpty ? "no detail from OpenSSL" : details.joined(separator: "; ")
        return PasswordError(.library, "\(call) failed: \(reason)")
    }
}
