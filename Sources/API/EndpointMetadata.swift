import JSON

/// The body DRF's `SimpleMetadata` answers to OPTIONS for each SimpleJWT view.
enum EndpointMetadata {
    static func describe(_ endpoint: TokenEndpoint) -> JSONObject {
        let (name, description, fields) = details(endpoint)
        var post = JSONObject()
        for field in fields {
            post[field.name] = .object([
                "type": "string",
                "required": .bool(!field.readOnly),
                "read_only": .bool(field.readOnly),
                "label": .string(field.label),
            ])
        }
        return [
            "name": .string(name),
            "description": .string(description),
            "renders": ["application/json", "text/html"],
            "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
            "actions": .object(["POST": .object(post)]),
        ]
    }

    private struct Field {
        let name: String
        let label: String
        var readOnly = false
    }

    private static func details(_ endpoint: TokenEndpoint) -> (String, String, [Field]) {
        switch endpoint {
        case .obtainPair:
            return ("Token Obtain Pair",
                    "Exchanges a username and password for a refresh and an access token.",
                    [Field(name: "username", label: "Username"), Field(name: "password", label: "Password")])
        case .refresh:
            return ("Token Refresh",
                    "Exchanges a valid refresh token for a new access token (and a new refresh token when rotation is on).",
                    [Field(name: "refresh", label: "Refresh"), Field(name: "access", label: "Access", readOnly: true)])
        case .verify:
            return ("Token Verify",
                    "Answers 200 when the token is valid, whatever its type.",
                    [Field(name: "token", label: "Token")])
        case .blacklist:
            return ("Token Blacklist",
                    "Revokes a refresh token (logout).",
                    [Field(name: "refresh", label: "Refresh")])
        case .slidingObtain:
            return ("Token Obtain Sliding",
                    "Exchanges a username and password for a sliding token.",
                    [Field(name: "username", label: "Username"), Field(name: "password", label: "Password")])
        case .slidingRefresh:
            return ("Token Refresh Sliding",
                    "Extends a sliding token while its refresh period lasts.",
                    [Field(name: "token", label: "Token")])
        }
    }
}
