import Assembly
import JOSE
import Platform
import Settings

/// `authd keys rotate`: generates the next signing key beside the current one and prints the runbook's steps
/// with the exact settings to change (README "Rotating keys"). It changes no settings itself: the operator
/// edits, reloads and waits between the steps.
enum KeyRotation {
    static func run(_ scanner: ArgumentScanner) throws(CLIError) {
        let context = CommandContext(scanner)
        let settings = try context.settings()
        let jwt = settings.simpleJWT
        var algorithm = jwt.algorithm
        if let name = scanner.value("--algorithm") {
            guard let chosen = JWSAlgorithm(rawValue: name) else {
                throw .usage("unknown algorithm \"\(name)\"; choose one of " + JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))
            }
            algorithm = chosen
        }
        guard let current = jwt.signingKey.path else {
            throw .failure("SIMPLE_JWT.SIGNING_KEY is inline; move it to a file (SIGNING_KEY_FILE) before rotating")
        }
        let folder = current.contains("/") ? String(current[...current.lastIndex(of: "/")!]) : ""
        let next = scanner.value("--out") ?? folder + "signing-\(Int64(SystemWallClock().now())).key"
        let generated = try KeysCommand.generate(algorithm, to: next, replace: false)

        // What the new key will be called in tokens and in the JWKS.
        let nextKid: String?
        do {
            nextKid = try JWTCodec(algorithm: algorithm, signingKey: generated.secretOrPrivatePEM).keyID
        } catch {
            throw .failure("cannot read the new key: \(error.message)")
        }
        // The current key as a verify-only entry: a secret verifies itself, a key pair by its public half.
        var currentVerifier = current
        if !jwt.algorithm.isSymmetric {
            currentVerifier = current + ".pub"
            if !SecureFile.exists(currentVerifier) {
                let publicPEM: [UInt8]
                do {
                    publicPEM = try KeyGenerator.publicPEM(of: jwt.signingKey.bytes)
                } catch {
                    throw .failure("cannot derive the public key of \(current): \(error.message)")
                }
                try SecureFile.write(publicPEM, to: currentVerifier, mode: 0o644, replace: false)
            }
        }
        let nextVerifier = algorithm.isSymmetric ? next : next + ".pub"
        let currentKid = (try? RuntimeBuilder.makeCodec(jwt, keys: settings.keys))?.keyID
        let maxAge = settings.keys.jwksMaxAge
        func entry(_ file: String, _ algorithm: JWSAlgorithm, _ kid: String?) -> String {
            "    - file: \(file)\n" + (algorithm == jwt.algorithm ? "" : "      algorithm: \(algorithm.rawValue)\n")
                + (kid.map { algorithm.isSymmetric ? "      id: \($0)\n" : "      # kid \($0)\n" } ?? "")
        }
        print("""
            wrote the next \(algorithm.rawValue) key to \(next) (mode 0600)\(algorithm.isSymmetric ? "" : ", its public key to \(next).pub")
            kid of the next key: \(nextKid ?? "none (HS* secrets have an id only when keys.signing_key_id sets one)")

            1. Publish it before it signs. Add to \(settings.sourcePath), then reload (systemctl reload authd):

            keys:
              verifying:
            \(entry(nextVerifier, algorithm, nil))
            2. Wait until every verifier has refetched the JWKS (keys.jwks_max_age: \(maxAge)) or holds the new secret.
               Then sign with the next key and keep the current one as verify-only, and reload:

            SIMPLE_JWT:
            \(algorithm == jwt.algorithm ? "" : "  ALGORITHM: \(algorithm.rawValue)\n")  SIGNING_KEY_FILE: \(next)
            keys:
              verifying:
            \(entry(currentVerifier, jwt.algorithm, currentKid))
            3. After REFRESH_TOKEN_LIFETIME (\(jwt.refreshTokenLifetime)) every token of the old key has expired: remove
               that entry, reload, and delete \(current).
            """)
    }
}
