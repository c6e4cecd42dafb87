import Foundation
import TestSupport
import XCTest

/// `/metrics` parsed by a real Prometheus parser (`prometheus_client`'s), with counters that move.
final class MetricsTests: XCTestCase {
    /// Parses the exposition on standard input; prints {"name{label=value,…}": value} for every sample.
    static let parser = #"""
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out, types = {}, {}
for family in text_string_to_metric_families(sys.stdin.read()):
    types[family.name] = family.type
    for s in family.samples:
        labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
        out["%s{%s}" % (s.name, labels)] = s.value
print(json.dumps({"samples": out, "types": types}))
"""#

    private func scrape(_ client: RawHTTPClient) throws -> (samples: [String: Double], types: [String: String]) {
        let response = try client.request("GET", "/metrics")
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        let result = try Python.run(script: Self.parser, stdin: response.body)
        XCTAssertEqual(result.status, 0, "prometheus_client refused the exposition: \(result.stderr)\n\(response.text)")
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (parsed["samples"] as? [String: Double] ?? [:], parsed["types"] as? [String: String] ?? [:])
    }

    func testCountersMoveAndTheExpositionParses() throws {
        try Python.require(modules: ["prometheus_client"], pipPackages: ["prometheus-client"])
        let daemon = try DaemonFixture(.init(simpleJWT: ["ROTATE_REFRESH_TOKENS": "true", "BLACKLIST_AFTER_ROTATION": "true"]))
        try daemon.addUser("alice", password: "pw")
        let client = try daemon.unix()
        let before = try scrape(client).samples

        let obtained = try client.request("POST", "/api/token/", body: #"{"username":"alice","password":"pw"}"#)
        let refresh = try XCTUnwrap(obtained.json["refresh"] as? String)
        XCTAssertEqual(try client.post("/api/token/", json: #"{"username":"alice","password":"no"}"#).status, 401)
        XCTAssertEqual(try client.post("/api/token/", json: #"{"username":"bob","password":"no"}"#).status, 401)
        XCTAssertEqual(try client.post("/api/token/verify/", json: #"{"token":"\#(obtained.json["access"] as? String ?? "")"}"#).status, 200)
        XCTAssertEqual(try client.post("/api/token/refresh/", json: #"{"refresh":"\#(refresh)"}"#).status, 200)
        // The rotated token again, after the grace window is gone: reuse, family revoked.
        try daemon.editSettings(append: "security:\n  refresh_reuse_grace: 0s\n")
        try daemon.reload()
        XCTAssertEqual(try client.post("/api/token/refresh/", json: #"{"refresh":"\#(refresh)"}"#).status, 401)
        XCTAssertEqual(try client.request("GET", "/nowhere").status, 404)

        let (after, types) = try scrape(client)
        func moved(_ sample: String) -> Double { (after[sample] ?? 0) - (before[sample] ?? 0) }
        XCTAssertEqual(moved("authd_logins_total{}"), 1)
        XCTAssertEqual(moved("authd_login_failures_total{reason=bad_password}"), 1)
        XCTAssertEqual(moved("authd_login_failures_total{reason=unknown_user}"), 1)
        XCTAssertEqual(moved("authd_tokens_issued_total{type=access}"), 2)
        XCTAssertEqual(moved("authd_tokens_issued_total{type=refresh}"), 2)
        XCTAssertEqual(moved("authd_refresh_rotations_total{}"), 1)
        XCTAssertEqual(moved("authd_refresh_reuse_detected_total{outcome=family_revoked}"), 1)
        XCTAssertEqual(moved("authd_family_tokens_revoked_total{}"), 1, "the rotated token's successor")
        XCTAssertEqual(moved("authd_http_requests_total{endpoint=/api/token,status=401}"), 2)
        XCTAssertEqual(moved("authd_http_requests_total{endpoint=/api/token/verify,status=200}"), 1)
        XCTAssertEqual(moved("authd_http_requests_total{endpoint=other,status=404}"), 1)
        XCTAssertEqual(moved("authd_http_request_duration_seconds_count{endpoint=/api/token/refresh}"), 2)
        XCTAssertGreaterThan(moved("authd_http_request_duration_seconds_sum{endpoint=/api/token}"), 0)
        XCTAssertEqual(moved("authd_reloads_total{result=success}"), 1)
        XCTAssertEqual(after["authd_config_last_reload_successful{}"], 1)
        XCTAssertGreaterThan(moved("authd_store_commit_duration_seconds_count{}"), 0)
        XCTAssertEqual(moved("authd_hashing_queue_wait_seconds_count{}"), 3, "three logins hashed a password")
        XCTAssertEqual(after["authd_hashing_queue_depth{}"], 0)
        XCTAssertGreaterThanOrEqual(after["authd_http_open_connections{}"] ?? 0, 1, "this scrape's own connection")
        XCTAssertEqual(after["authd_build_info{version=0.1.0}"], 1)
        XCTAssertEqual(types["authd_http_request_duration_seconds"], "histogram")
        XCTAssertEqual(types["authd_tokens_issued"], "counter")

        // A failed reload counts too, and the gauge says so.
        try daemon.editSettings(append: "nonsense: true\n")
        try daemon.reload(expectSuccess: false)
        let failed = try scrape(client).samples
        XCTAssertEqual((failed["authd_reloads_total{result=failure}"] ?? 0) - (before["authd_reloads_total{result=failure}"] ?? 0), 1)
        XCTAssertEqual(failed["authd_config_last_reload_successful{}"], 0)
    }

    /// A 503 is counted by its cause: two pipelined logins meet a pool of one worker and no queue.
    func testUnavailableAnswersAreCountedByCause() throws {
        try Python.require(modules: ["prometheus_client"], pipPackages: ["prometheus-client"])
        let daemon = try DaemonFixture(.init(iterations: 100_000, poolWorkers: 1, poolQueue: 0))
        try daemon.addUser("alice", password: "pw")
        let client = try daemon.unix()
        let login = "POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 36\r\n\r\n"
            + #"{"username":"alice","password":"pw"}"#
        try client.send(login + login)
        let statuses = [try client.readResponse().status, try client.readResponse().status]
        XCTAssertEqual(statuses, [200, 503], "the second login found the only worker busy")
        let samples = try scrape(client).samples
        XCTAssertEqual(samples["authd_unavailable_total{cause=hashing_queue_full}"], 1)
        XCTAssertEqual(samples["authd_unavailable_total{cause=store}"], 0)
        XCTAssertEqual(samples["authd_http_requests_total{endpoint=/api/token,status=503}"], 1)
    }

    func testMetricsAreOffOnTCPUnlessEnabledAndReloadCanEnableThem() throws {
        let daemon = try DaemonFixture()
        XCTAssertEqual(try daemon.tcp().request("GET", "/metrics").status, 404, "never public by accident")
        XCTAssertEqual(try daemon.unix().request("GET", "/metrics").status, 200, "on by default on the Unix socket")
        try daemon.editSettings(replacing: "  - tcp: 127.0.0.1:0\n", with: "  - tcp: 127.0.0.1:0\n    metrics: true\n")
        try daemon.editSettings(replacing: "    mode: \"0660\"\n", with: "    mode: \"0660\"\n    metrics: false\n")
        try daemon.reload()
        XCTAssertEqual(try daemon.tcp().request("GET", "/metrics").status, 200)
        XCTAssertEqual(try daemon.unix().request("GET", "/metrics").status, 404)
    }

    func testHealthzSaysTheStoreAnswers() throws {
        let daemon = try DaemonFixture()
        let health = try daemon.tcp().request("GET", "/healthz")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.text, #"{"status":"ok","store":"ok"}"#)
    }
}
