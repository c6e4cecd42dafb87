import COpenSSL

/// Reads asymmetric keys from PEM: PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY", "RSA PUBLIC KEY"),
/// SEC1 ("EC PRIVATE KEY") and SPKI ("PUBLIC KEY"). Anything else gets a message saying how to convert it.
enum PEMKeyLoader {
    private static let privateLabels: Set<String> = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]
    private static let publicLabels: Set<String> = ["PUBLIC KEY", "RSA PUBLIC KEY"]

    static func load(_ pem: [UInt8], what: String) throws(JOSEError) -> PKey {
        let blocks = labels(in: pem)
        guard !blocks.isEmpty else {
            throw JOSEError(code: .invalidKey, message: "\(what) is not a PEM key (no \"-----BEGIN …-----\" line); "
                + "asymmetric algorithms need a PEM private or public key")
        }
        // Skip leading blocks that are not keys, such as the "EC PARAMETERS" that `openssl ecparam -genkey` writes.
        guard let block = blocks.first(where: { privateLabels.contains($0.label) || publicLabels.contains($0.label) }) else {
            throw unsupported(blocks[0].label, what: what)
        }
        let isPrivate = privateLabels.contains(block.label)
        let data = Array(pem[block.offset...])
        let pkey: OpaquePointer? = data.withUnsafeBytes { raw -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(clamping: raw.count)) else { return nil }
            defer { BIO_free(bio) }
            // The callback refuses to supply a passphrase, so OpenSSL never prompts on a terminal.
            let noPassphrase: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in 0 }
            switch block.label {
            case "RSA PUBLIC KEY":
                return decodeTypeSpecificRSAPublicKey(bio)
            case "PUBLIC KEY":
                return PEM_read_bio_PUBKEY_ex(bio, nil, noPassphrase, nil, nil, nil)
            default:
                return PEM_read_bio_PrivateKey_ex(bio, nil, noPassphrase, nil, nil, nil)
            }
        }
        guard let pkey else {
            let detail = OpenSSL.drainErrors()
            throw JOSEError(code: .invalidKey, message: "\(what): the \"\(block.label)\" PEM block could not be decoded (\(detail))")
        }
        return PKey(taking: pkey, isPrivate: isPrivate)
    }

    /// PKCS#1 "RSA PUBLIC KEY" has no non-deprecated PEM_read function; the decoder handles it.
    private static func decodeTypeSpecificRSAPublicKey(_ bio: OpaquePointer) -> OpaquePointer? {
        var pkey: OpaquePointer? = nil
        guard let decoder = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", nil, "RSA", authd_EVP_PKEY_PUBLIC_KEY(), nil, nil) else {
            return nil
        }
        defer { OSSL_DECODER_CTX_free(decoder) }
        if OSSL_DECODER_from_bio(decoder, bio) == 1 { return pkey }
        // With OpenSSL 3.0 the first decoder use in a process was seen failing with "unsupported" and then
        // succeeding; one retry from the start of the buffer keeps key loading deterministic.
        ERR_clear_error()
        guard BIO_ctrl(bio, BIO_CTRL_RESET, 0, nil) >= 0, OSSL_DECODER_from_bio(decoder, bio) == 1 else { return nil }
        return pkey
    }

    private static func unsupported(_ label: String, what: String) -> JOSEError {
        let hint: String
        switch label {
        case "ENCRYPTED PRIVATE KEY":
            hint = "encrypted keys are not supported (a daemon cannot prompt for a passphrase); decrypt it with "
                + "`openssl pkey -in KEY -out PLAIN`"
        case "OPENSSH PRIVATE KEY":
            hint = "OpenSSH keys are not supported; convert with `ssh-keygen -p -m PKCS8 -f KEY`"
        case "CERTIFICATE":
            hint = "certificates are not supported; extract the key with `openssl x509 -pubkey -noout -in CERT`"
        default:
            hint = "expected PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, PUBLIC KEY or RSA PUBLIC KEY"
        }
        return JOSEError(code: .invalidKey, message: "\(what): unsupported PEM block \"\(label)\": \(hint)")
    }

    /// The labels of "-----BEGIN X-----" lines with the byte offset where each line starts.
    static func labels(in pem: [UInt8]) -> [(label: String, offset: Int)] {
        let marker = Array("-----BEGIN ".utf8)
        var result: [(String, Int)] = []
        var i = 0
        while i + marker.count <= pem.count {
            if pem[i] == marker[0], Array(pem[i..<(i + marker.count)]) == marker {
                var j = i + marker.count
                let labelStart = j
                while j < pem.count, pem[j] != UInt8(ascii: "-"), pem[j] != 0x0A { j += 1 }
                result.append((String(decoding: pem[labelStart..<j], as: UTF8.self), i))
                i = j
            } else {
                i += 1
            }
        }
        return result
    }
}
