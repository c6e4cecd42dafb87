import CArgon2

/// Django's Argon2PasswordHasher over libargon2: `argon2` + the library's encoding
/// (`$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>`), the salt being Django's random string used as bytes.
enum Argon2Hash {
    /// Django's defaults (Argon2PasswordHasher): time_cost, memory_cost (KiB), parallelism; 32-byte hashes.
    static let defaultTime = 2, defaultMemory = 102_400, defaultParallelism = 8
    static let hashLength = 32
    /// Limits for stored hashes: a planted hash must not cost a gigabyte or minutes per login.
    static let maxMemory = 1 << 20, maxTime = 64, maxParallelism = 64

    struct Parameters: Sendable, Equatable {
        var variant: String
        var memory: Int
        var time: Int
        var parallelism: Int
    }

    /// Reads `$argon2id$v=19$m=…,t=…,p=…$…$…` (also argon2i/argon2d, and the version-less form of old Django).
    static func parameters(of encoded: String) -> Parameters? {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5 || parts.count == 6, parts[0].isEmpty,
              ["argon2id", "argon2i", "argon2d"].contains(parts[1]) else { return nil }
        let costs = parts.count == 6 ? parts[3] : parts[2]
        if parts.count == 6 { guard parts[2].hasPrefix("v=") else { return nil } }
        var values: [Substring: Int] = [:]
        for item in costs.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let number = Int(pair[1]), number > 0 else { return nil }
            values[pair[0]] = number
        }
        guard let m = values["m"], let t = values["t"], let p = values["p"], values.count == 3 else { return nil }
        return Parameters(variant: String(parts[1]), memory: m, time: t, parallelism: p)
    }

    static func check(_ parameters: Parameters) throws(PasswordError) {
        guard parameters.memory <= maxMemory, parameters.time <= maxTime, parameters.parallelism <= maxParallelism,
              parameters.memory >= 8 * parameters.parallelism else {
            throw PasswordError(.invalidParameters, "argon2 parameters m=\(parameters.memory) t=\(parameters.time) "
                + "p=\(parameters.parallelism) are outside what authd accepts (m ≤ \(maxMemory) KiB, t ≤ \(maxTime), p ≤ \(maxParallelism))")
        }
    }

    /// The library's encoded argon2id hash (without Django's `argon2` prefix).
    static func encode(_ password: [UInt8], salt: [UInt8], time: Int, memory: Int, parallelism: Int) throws(PasswordError) -> String {
        try check(Parameters(variant: "argon2id", memory: memory, time: time, parallelism: parallelism))
        let length = argon2_encodedlen(UInt32(time), UInt32(memory), UInt32(parallelism), UInt32(salt.count),
                                       UInt32(hashLength), Argon2_id)
        var buffer = [CChar](repeating: 0, count: length + 1)
        let code = password.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBytes in
                argon2_hash(UInt32(time), UInt32(memory), UInt32(parallelism), pwd.baseAddress, pwd.count,
                            saltBytes.baseAddress, saltBytes.count, nil, hashLength, &buffer, buffer.count,
                            Argon2_id, ARGON2_VERSION_13.rawValue)
            }
        }
        guard code == ARGON2_OK.rawValue else { throw failure("argon2_hash", code) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches the library-encoded hash (checked in constant time by libargon2).
    static func verify(_ password: [UInt8], encoded: String, parameters: Parameters) throws(PasswordError) -> Bool {
        try check(parameters)
        let type: argon2_type = parameters.variant == "argon2id" ? Argon2_id : parameters.variant == "argon2i" ? Argon2_i : Argon2_d
        let code = password.withUnsafeBytes { pwd in argon2_verify(encoded, pwd.baseAddress, pwd.count, type) }
        if code == ARGON2_OK.rawValue { return true }
        if code == ARGON2_VERIFY_MISMATCH.rawValue { return false }
        throw failure("argon2_verify", code)
    }

    private static func failure(_ call: String, _ code: Int32) -> PasswordError {
        PasswordError(.library, "\(call) failed: \(String(cString: argon2_error_message(code)))")
    }
}
