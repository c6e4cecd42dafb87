// swift-tools-version:6.0
import PackageDescription

// Module arrows point one way (README "Architecture"):
//   C shims → Platform (the system-call funnel, descriptor owner, threads, clocks: nothing but Glibc and CEpoll)
//   Metrics (counters, histograms, Prometheus text: nothing but Synchronization) → API, Assembly, Daemon
//   Platform → JSON, JOSE, Logging, Store, Passwords, HTTPServer, LoadGenerator
//   JOSE, Logging, Passwords → Settings (which decodes into their types: no string mappings)
//   Store → StoreSQLite, StorePostgres (libpq);  Settings, Store → Plugins
//   Tokens (the token domain: no HTTP) → API (routes, request fields, deliveries) → Assembly (settings → Runtime)
//   → Daemon (process: listeners, signals, systemd) → AuthdCLI → authd
//   HTTPServer knows no JWT; Tokens knows no HTTP; only Assembly knows which store backend is used.
let package = Package(
    name: "authd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "authd", targets: ["authd"]),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML"),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        .systemLibrary(name: "CArgon2", path: "Sources/CArgon2"),
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt"),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres"),

        .target(name: "Platform", dependencies: ["CEpoll"]),
        .target(name: "JSON"),
        .target(name: "JOSE", dependencies: ["COpenSSL", "JSON"]),
        .target(name: "Logging"),
        .target(name: "Settings", dependencies: ["CYAML", "JOSE", "Logging", "Passwords", "Platform"]),
        .target(name: "Store"),
        .target(name: "StoreSQLite", dependencies: ["CSQLite", "Platform", "Store"]),
        .target(name: "Passwords", dependencies: ["CArgon2", "CCrypt", "COpenSSL", "Platform"]),
        .target(name: "StorePostgres", dependencies: ["CPostgres", "Platform", "Store"]),
        .target(name: "HTTPServer", dependencies: ["CEpoll", "Platform"]),
        .target(name: "LoadGenerator", dependencies: ["Platform"]),
        .target(name: "Plugins", dependencies: ["Platform", "Settings", "JSON", "Store"]),
        .target(name: "Tokens", dependencies: ["COpenSSL", "JSON", "JOSE", "Logging", "Passwords", "Platform", "Store"]),
        .target(name: "Metrics"),
        .target(name: "API", dependencies: ["HTTPServer", "JSON", "Tokens", "Metrics", "Platform"]),
        .target(name: "Audit", dependencies: ["Logging", "Tokens"]),
        .target(name: "Assembly", dependencies: [
            "API", "Audit", "HTTPServer", "JOSE", "JSON", "Logging", "Passwords", "Platform", "Plugins", "Settings", "Store",
            "StoreSQLite", "StorePostgres", "Tokens", "Metrics",
        ]),
        .target(name: "Daemon", dependencies: ["Assembly", "Audit", "HTTPServer", "Logging", "Platform", "Plugins", "Settings",
                                         "Metrics"]),
        .target(name: "AuthdCLI", dependencies: ["Assembly", "Audit", "Daemon", "JOSE", "JSON", "LoadGenerator", "Passwords",
                                           "Platform", "Plugins", "Settings", "Store", "Tokens"]),
        .executableTarget(name: "authd", dependencies: ["AuthdCLI"]),

        .target(name: "TestSupport", dependencies: ["JOSE", "JSON", "Logging", "Passwords", "Platform", "Store", "StoreSQLite",
                                                  "Tokens"], path: "Tests/TestSupport"),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "TokensTests", dependencies: ["Tokens", "Store", "StoreSQLite", "Platform", "JSON", "TestSupport"]),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "Logging", "Tokens"]),
        .testTarget(name: "APITests", dependencies: ["API", "HTTPServer", "Tokens", "Store", "JSON", "TestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "JOSETests", dependencies: ["JOSE", "JSON", "TestSupport"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "StoreSQLite", "StorePostgres", "TestSupport"]),
        .testTarget(name: "PasswordsTests", dependencies: ["Passwords", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "PluginsTests", dependencies: ["Plugins", "Settings", "Store", "StoreSQLite", "JSON", "TestSupport"]),
        .testTarget(name: "LoadGeneratorTests", dependencies: ["LoadGenerator", "Platform", "TestSupport"]),
        .testTarget(name: "DaemonTests", dependencies: ["authd", "JSON", "JOSE", "TestSupport"], exclude: ["Interop"]),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzzing (scripts/fuzz, FUZZING.md): libFuzzer targets, built only when AUTHD_FUZZ is set, with
// -sanitize=fuzzer,address, so ordinary builds never see them.
if Context.environment["AUTHD_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzHTTPRequest", ["HTTPServer"]),
        ("FuzzJSON", ["JSON"]),
        ("FuzzForms", ["API"]),
        ("FuzzJWT", ["JOSE", "JSON"]),
        ("FuzzSettings", ["Settings"]),
        ("FuzzPasswordHash", ["Passwords"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies + ["FuzzSupport"], path: "Fuzz/\(name)"))
    }
}
