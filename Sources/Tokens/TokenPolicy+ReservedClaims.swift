extension TokenPolicy {
    /// Claims authd sets itself, under their configured names: no claim provider may set them, and
    /// re-evaluation at refresh keeps exactly these from the old token.
    public var reservedClaims: Set<String> {
        var names: Set<String> = ["token_type", "exp", "iat", "nbf", "jti", "aud", "iss",
                                  userIDClaim, revokeTokenClaim, slidingRefreshExpClaim]
        if let tokenTypeClaim { names.insert(tokenTypeClaim) }
        if let jtiClaim { names.insert(jtiClaim) }
        return names
    }
}
