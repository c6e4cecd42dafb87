import Foundation
import JSON
import Plugins
import Settings
import Store
import TestSupport
import XCTest

/// Shared set-up: a temporary folder for hook scripts, settings parsed as `authd.yaml`, a pipeline built
/// from them with the standard registry (or one given), and a user to make claims for.
class PluginsTestCase: XCTestCase {
    var folder: TemporaryDirectory!

    override func setUpWithError() throws {
        folder = try TemporaryDirectory(prefix: "authd-plugins")
    }

    override func tearDown() {
        folder = nil
    }

    let alice = User(id: 7, username: "alice", passwordHash: "!", isStaff: true, email: "alice@example.com",
                     firstName: "Alice", lastName: "Liddell", dateJoined: 1)

    /// Writes an executable `/bin/sh` script and returns its absolute path.
    func hook(_ name: String, _ body: String) throws -> String {
        try folder.shellScript(name, body)
    }

    /// The `claims:` section's text after a minimal valid settings file, parsed without key checks.
    func settings(_ claimsYAML: String, file: StaticString = #filePath, line: UInt = #line) throws -> AuthdSettings {
        let yaml = "SIMPLE_JWT:\n  SIGNING_KEY: \"0123456789abcdef0123456789abcdef\"\n" + claimsYAML
        switch SettingsLoader.parse(yaml: yaml, file: "authd.yaml", options: .init(checkKeyFiles: false)) {
        case .success(let settings): return settings
        case .failure(let errors):
            XCTFail("settings refused:\n\(errors)", file: file, line: line)
            throw errors
        }
    }

    func build(_ claimsYAML: String, registry: ProviderRegistry? = nil) throws -> Result<ClaimsPipeline, PluginErrors> {
        let settings = try settings(claimsYAML)
        let environment = ProviderEnvironment(settingsFile: "authd.yaml",
                                              reservedClaims: ProviderEnvironment.defaultReservedClaims, store: nil)
        return ClaimsPipeline.build(entries: settings.claims, policy: settings.claimsPolicy,
                                    registry: try registry ?? ProviderRegistry.standard(), environment: environment)
    }

    func pipeline(_ claimsYAML: String, registry: ProviderRegistry? = nil,
                  file: StaticString = #filePath, line: UInt = #line) throws -> ClaimsPipeline {
        switch try build(claimsYAML, registry: registry) {
        case .success(let pipeline): return pipeline
        case .failure(let errors):
            XCTFail("pipeline refused:\n\(errors)", file: file, line: line)
            throw errors
        }
    }

    /// The messages of a configuration that must be refused.
    func errors(_ claimsYAML: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        switch try build(claimsYAML) {
        case .success:
            XCTFail("expected the claims section to be refused", file: file, line: line)
            return []
        case .failure(let errors): return errors.errors.map(\.description)
        }
    }

    func evaluate(_ pipeline: ClaimsPipeline, groups: [String] = []) -> ClaimsOutcome {
        pipeline.evaluate(ClaimsSubject(user: alice, groups: groups))
    }

    func json(_ object: JSONObject) -> String { JSON.serializeString(.object(object)) }
}
