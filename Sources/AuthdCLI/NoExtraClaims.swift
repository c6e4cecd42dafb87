import JSON
import Service
import Store

/// The claims source when `claims:` lists no provider: tokens carry SimpleJWT's claims only.
struct NoExtraClaims: UserClaimsSource {
    func claims(for user: User) throws(APIError) -> JSONObject { [:] }
}
