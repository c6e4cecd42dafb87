import JSON
import Plugins
import XCTest

/// A provider that exists only in tests: proves a site's own provider plugs in with one registration line.
struct GreetingProvider: ClaimsProvider {
    static let summary = "says hello (tests only)"
    static let optionKeys = ["greeting"]

    let greeting: String

    init(options: ProviderOptions) throws(PluginError) {
        greeting = try options.string("greeting") ?? "hello"
    }

    func claims(for subject: ClaimsSubject) throws(ClaimsFailure) -> JSONObject {
        ["greeting": .string("\(greeting), \(subject.user.username)")]
    }
}

final class RegistryTests: PluginsTestCase {
    func testTheStandardRegistryListsTheFourBuiltInsInOrder() throws {
        let registry = try ProviderRegistry.standard()
        XCTAssertEqual(registry.ids, ["claims.static", "claims.user_fields", "claims.groups", "claims.command"])
        for registration in registry.registrations {
            XCTAssertFalse(registration.summary.isEmpty)
            XCTAssertFalse(registration.summary.contains("\n"), "one line for authd plugins")
        }
    }

    func testRefusesEmptyMalformedReservedAndDuplicateIDs() throws {
        var registry = try ProviderRegistry.standard()
        let refused: [(String, PluginError.Code)] = [
            ("", .invalidID), ("greeting", .invalidID), ("acme.", .invalidID), (".greeting", .invalidID),
            ("Acme.Greeting", .invalidID), ("acme.greet-ing", .invalidID), ("acme..greeting", .invalidID),
            ("acme.1greeting", .invalidID),
            ("claims.greeting", .reservedID), ("authd.greeting", .reservedID), ("claims.static", .reservedID),
        ]
        for (id, code) in refused {
            XCTAssertThrowsError(try registry.register(GreetingProvider.self, as: id), id) { error in
                XCTAssertEqual((error as? PluginError)?.code, code, "\(id): \(error)")
            }
        }
        try registry.register(GreetingProvider.self, as: "acme.greeting")
        XCTAssertThrowsError(try registry.register(GreetingProvider.self, as: "acme.greeting")) { error in
            XCTAssertEqual((error as? PluginError)?.code, .duplicateID)
            XCTAssertTrue("\(error)".contains("registered twice"), "\(error)")
        }
        XCTAssertEqual(registry.ids.last, "acme.greeting")
    }

    func testATestOnlyProviderWorksThroughTheSettingsFile() throws {
        var registry = try ProviderRegistry.standard()
        try registry.register(GreetingProvider.self, as: "acme.greeting")
        let pipeline = try pipeline("""
            claims:
              - provider: acme.greeting
                greeting: hi
              - provider: claims.static
                claims: {tenant: acme}
            """, registry: registry)
        let outcome = evaluate(pipeline)
        XCTAssertNil(outcome.refusal)
        XCTAssertEqual(json(outcome.claims), #"{"greeting":"hi, alice","tenant":"acme"}"#)
        pipeline.shutdown()
    }

    func testUnknownProviderNamesTheKnownOnes() throws {
        XCTAssertEqual(try errors("""
            claims:
              - provider: claims.statc
              - provider: acme.greeting
            """), [
            #"authd.yaml:4:15: claims[0]: provider: unknown provider "claims.statc"; did you mean "claims.static"? (known providers: claims.static, claims.user_fields, claims.groups, claims.command)"#,
            #"authd.yaml:5:15: claims[1]: provider: unknown provider "acme.greeting" (known providers: claims.static, claims.user_fields, claims.groups, claims.command)"#,
        ])
    }

    func testUnknownOptionsAndBadOnErrorAreRefused() throws {
        XCTAssertEqual(try errors("""
            claims:
              - provider: claims.groups
                clam: roles
              - provider: claims.static
                claims: {a: 1}
                on_error: ignore
            """), [
            #"authd.yaml:5:5: claims[0] (claims.groups): clam: unknown option "clam"; did you mean "claim"? (options of claims.groups: claim; every provider also takes on_error)"#,
            #"authd.yaml:8:5: claims[1] (claims.static): on_error: unknown value "ignore" (expected one of "fail", "skip")"#,
        ])
    }
}
