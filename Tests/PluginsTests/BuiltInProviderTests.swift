import JSON
import Plugins
import Settings
import XCTest

final class BuiltInProviderTests: PluginsTestCase {
    // MARK: claims.static

    func testStaticClaimsKeepTheirJSONTypes() throws {
        let pipeline = try pipeline("""
            claims:
              - provider: claims.static
                claims:
                  tenant: acme
                  level: 3
                  ratio: 1.5
                  beta: true
                  quoted: "true"
                  version: "3"
                  none: ~
                  scopes: [read, write]
                  nested: {tier: -2, tags: []}
            """)
        XCTAssertEqual(json(evaluate(pipeline).claims),
                       #"{"tenant":"acme","level":3,"ratio":1.5,"beta":true,"quoted":"true","version":"3","none":null,"#
                       + #""scopes":["read","write"],"nested":{"tier":-2,"tags":[]}}"#)
    }

    func testStaticMisconfigurations() throws {
        XCTAssertEqual(try errors("""
            claims:
              - provider: claims.static
              - provider: claims.static
                claims: [tenant]
              - provider: claims.static
                claims: {tenant: acme, exp: 1}
              - provider: claims.static
                claims: {big: 99999999999999999999, inf: .inf}
            """), [
            #"authd.yaml:4:5: claims[0] (claims.static): claims: missing "claims""#,
            #"authd.yaml:6:5: claims[1] (claims.static): claims: expected a mapping of claim names to values, such as {tenant: acme}, got a list"#,
            #"authd.yaml:8:28: claims[2] (claims.static): claims.exp: "exp" is a claim authd sets itself; a provider cannot set it"#,
            #"authd.yaml:10:19: claims[3] (claims.static): claims.big: 99999999999999999999 does not fit a 64-bit integer; quote it to make it a string"#,
        ])
    }

    func testEveryReservedClaimIsRefusedInStaticClaims() throws {
        for name in ProviderEnvironment.defaultReservedClaims.sorted() {
            let messages = try errors("claims:\n  - provider: claims.static\n    claims: {\(name): x}\n")
            XCTAssertEqual(messages.count, 1, name)
            XCTAssertTrue(messages.first?.contains("\"\(name)\" is a claim authd sets itself") ?? false, "\(messages)")
        }
    }

    // MARK: claims.user_fields

    func testUserFieldsAsAListAndAsAMapping() throws {
        let pipeline = try pipeline("""
            claims:
              - provider: claims.user_fields
                fields: [username, email, is_superuser]
              - provider: claims.user_fields
                fields: {first_name: given_name, last_name: family_name, is_staff: staff}
            """)
        XCTAssertEqual(json(evaluate(pipeline).claims),
                       #"{"username":"alice","email":"alice@example.com","is_superuser":false,"#
                       + #""given_name":"Alice","family_name":"Liddell","staff":true}"#)
    }

    func testUserFieldsMisconfigurations() throws {
        XCTAssertEqual(try errors("""
            claims:
              - provider: claims.user_fields
              - provider: claims.user_fields
                fields: [username, password]
              - provider: claims.user_fields
                fields: {username: user_id}
              - provider: claims.user_fields
                fields: {username: name, email: name}
              - provider: claims.user_fields
                fields: username
            """), [
            #"authd.yaml:4:5: claims[0] (claims.user_fields): fields: missing "fields", such as "fields: [username, email]""#,
            #"authd.yaml:6:24: claims[1] (claims.user_fields): fields[1]: unknown user field "password" (known fields: username, email, first_name, last_name, is_staff, is_superuser)"#,
            #"authd.yaml:8:14: claims[2] (claims.user_fields): fields.username: "user_id" is a claim authd sets itself; choose another claim name"#,
            #"authd.yaml:10:30: claims[3] (claims.user_fields): fields.email: the claim "name" is set twice"#,
            #"authd.yaml:12:5: claims[4] (claims.user_fields): fields: expected a list of user fields, or a mapping of user field to claim name, got "username""#,
        ])
    }

    // MARK: claims.groups

    func testGroupsUnderTheDefaultAndAChosenClaim() throws {
        let pipeline = try pipeline("""
            claims:
              - provider: claims.groups
              - provider: claims.groups
                claim: roles
            """)
        XCTAssertEqual(json(evaluate(pipeline, groups: ["db", "web"]).claims), #"{"groups":["db","web"],"roles":["db","web"]}"#)
        XCTAssertEqual(json(evaluate(pipeline, groups: []).claims), #"{"groups":[],"roles":[]}"#)
        XCTAssertEqual(try errors("claims:\n  - provider: claims.groups\n    claim: jti\n"), [
            #"authd.yaml:5:5: claims[0] (claims.groups): claim: "jti" is a claim authd sets itself; choose another claim name"#,
        ])
    }

    func testGroupsAreLoadedOnceAndOnlyWhenAsked() throws {
        let pipeline = try pipeline("""
            claims:
              - provider: claims.groups
              - provider: claims.groups
                claim: roles
            """)
        var loads = 0
        let subject = ClaimsSubject(user: alice, loadGroups: { loads += 1; return ["ops"] })
        XCTAssertEqual(json(pipeline.evaluate(subject).claims), #"{"groups":["ops"],"roles":["ops"]}"#)
        XCTAssertEqual(loads, 1)
        let staticOnly = try self.pipeline("claims:\n  - provider: claims.static\n    claims: {a: 1}\n")
        var asked = false
        _ = staticOnly.evaluate(ClaimsSubject(user: alice, loadGroups: { asked = true; return [] }))
        XCTAssertFalse(asked)
    }

    func testAGroupLoadFailureFollowsOnError() throws {
        let failing = { () throws(ClaimsFailure) -> [String] in throw ClaimsFailure(.unavailable, "store closed") }
        let closed = try pipeline("claims:\n  - provider: claims.groups\n")
        let refused = closed.evaluate(ClaimsSubject(user: alice, loadGroups: failing))
        XCTAssertEqual(refused.refusal, ClaimsFailure(.unavailable, ""))
        XCTAssertEqual(refused.events.map(\.message),
                       ["claims[0] (claims.groups): store closed; token refused (on_error: fail)"])
        let open = try pipeline("claims:\n  - provider: claims.groups\n    on_error: skip\n  - provider: claims.static\n    claims: {a: 1}\n")
        let skipped = open.evaluate(ClaimsSubject(user: alice, loadGroups: failing))
        XCTAssertNil(skipped.refusal)
        XCTAssertEqual(json(skipped.claims), #"{"a":1}"#)
        XCTAssertEqual(skipped.events.first?.level, .warning)
    }
}
