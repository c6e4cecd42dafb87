import Settings
import XCTest

/// `claims:` as a list of providers, or as a mapping with the providers and the pipeline options.
final class ClaimsShapeTests: SettingsTestCase {
    private var head: String { "SIMPLE_JWT:\n  SIGNING_KEY_FILE: \(tmp.path)/hs.key\n" }

    func testTheListShapeKeepsTheDefaults() throws {
        let settings = try parse(head + "claims:\n  - provider: claims.static\n    claims: {a: 1}\n")
        XCTAssertEqual(settings.claims.map { $0["provider"]?.scalar }, ["claims.static"])
        XCTAssertEqual(settings.claimsPolicy, ClaimsPolicy())
        XCTAssertFalse(settings.claimsPolicy.reevaluateOnRefresh)
        XCTAssertEqual(settings.claimsPolicy.maxBytes, 4096)
    }

    func testTheMappingShapeCarriesTheOptions() throws {
        let settings = try parse(head + """
            claims:
              providers:
                - provider: claims.groups
                - provider: claims.static
                  claims: {a: 1}
              reevaluate_on_refresh: true
              max_bytes: 1_024
            """)
        XCTAssertEqual(settings.claims.map { $0["provider"]?.scalar }, ["claims.groups", "claims.static"])
        XCTAssertTrue(settings.claimsPolicy.reevaluateOnRefresh)
        XCTAssertEqual(settings.claimsPolicy.maxBytes, 1024)
        XCTAssertEqual(try parse(head + "claims:\n  reevaluate_on_refresh: false\n").claims.count, 0)
    }

    func testMappingShapeMistakes() throws {
        assertMessages(errors(head + """
            claims:
              provider: [claims.static]
            """), [
            #"authd.yaml:3:1: claims: expected a list of claim providers such as "- provider: claims.static", got a mapping"#,
        ])
        assertMessages(errors(head + """
            claims:
              provders: []
              reevaluate_on_refresh: "true"
              max_bytes: 10
            """), [
            #"authd.yaml:4:3: claims.provders: unknown key "provders"; did you mean "providers"?"#,
            #"authd.yaml:5:3: claims.reevaluate_on_refresh: expected true or false, got the quoted string "true"; remove the quotes"#,
            "authd.yaml:6:3: claims.max_bytes: 10 is out of range; expected 64 to 1048576",
        ])
        assertMessages(errors(head + "claims:\n  providers:\n    - {claims: {a: 1}}\n"), [
            #"authd.yaml:5:7: claims[0]: missing "provider", such as "provider: claims.static""#,
        ])
    }
}
