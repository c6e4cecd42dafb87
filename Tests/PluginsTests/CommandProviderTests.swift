import Foundation
import JSON
import Plugins
import XCTest

/// `claims.command` against real `/bin/sh` hooks.
final class CommandProviderTests: PluginsTestCase {
    private func commandPipeline(_ hookPath: String, options: String = "") throws -> ClaimsPipeline {
        try pipeline("claims:\n  - provider: claims.command\n    command: [\(hookPath)]\n" + options)
    }

    func testTheUserGoesInAsJSONAndTheObjectComesOutAsClaims() throws {
        let input = folder.file("input.json")
        let path = try hook("echo.sh", #"cat > "\#(input)"; printf '{"role":"admin","n":2}\n'"#)
        let outcome = evaluate(try commandPipeline(path), groups: ["db", "web"])
        XCTAssertNil(outcome.refusal, "\(outcome.events)")
        XCTAssertEqual(json(outcome.claims), #"{"role":"admin","n":2}"#)
        XCTAssertEqual(try String(contentsOfFile: input, encoding: .utf8),
                       #"{"user_id":"7","username":"alice","email":"alice@example.com","is_staff":true,"#
                       + #""is_superuser":false,"groups":["db","web"]}"#)
    }

    func testArgumentsArePassedWithoutAShell() throws {
        let path = try hook("args.sh", #"printf '{"first":"%s","count":%d}' "$1" "$#""#)
        let pipeline = try pipeline("claims:\n  - provider: claims.command\n    command: [\(path), \"a b; echo $HOME\", two]\n")
        XCTAssertEqual(json(evaluate(pipeline).claims), #"{"first":"a b; echo $HOME","count":2}"#)
    }

    func testTheEnvironmentIsMinimalUnlessConfigured() throws {
        let path = try hook("env.sh", #"printf '{"env":"%s"}' "$(env | grep -v '^PWD=' | grep -v '^SHLVL=' | grep -v '^_=' | sort | tr '\n' ' ')""#)
        XCTAssertEqual(json(evaluate(try commandPipeline(path)).claims), #"{"env":"LANG=C.UTF-8 PATH=/usr/bin:/bin "}"#)
        let configured = try commandPipeline(path, options: "    environment: {PATH: /bin, HOOK_MODE: test}\n")
        XCTAssertEqual(json(evaluate(configured).claims), #"{"env":"HOOK_MODE=test LANG=C.UTF-8 PATH=/bin "}"#)
    }

    func testATimeoutKillsAndReapsTheHook() throws {
        let pidFile = folder.file("pid")
        let path = try hook("slow.sh", #"echo $$ > "\#(pidFile)"; exec sleep 30"#)
        let outcome = evaluate(try commandPipeline(path, options: "    timeout: 300ms\n"))
        XCTAssertEqual(outcome.refusal, ClaimsFailure(.timedOut, ""))
        XCTAssertEqual(outcome.events.count, 1)
        XCTAssertTrue(outcome.events[0].message.hasPrefix("claims[0] (claims.command): \(path) did not finish within 300ms (timeout); it was killed; token refused (on_error: fail)"),
                      outcome.events[0].message)
        let pid = try XCTUnwrap(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Killed and reaped: not even a zombie is left.
        XCTAssertEqual(kill(pid, 0), -1)
        XCTAssertEqual(errno, ESRCH)
    }

    func testAHookThatClosesItsOutputButKeepsRunningStillTimesOut() throws {
        let path = try hook("lingering.sh", #"printf '{"a":1}'; exec >&- 2>&-; sleep 30"#)
        let outcome = evaluate(try commandPipeline(path, options: "    timeout: 300ms\n"))
        XCTAssertEqual(outcome.refusal, ClaimsFailure(.timedOut, ""))
    }

    func testBadOutputsAreFailuresThatSayWhy() throws {
        let cases: [(String, ClaimsFailure.Code, String)] = [
            ("echo 'not json'", .invalidOutput, "printed no valid JSON"),
            ("echo '[1,2]'", .invalidOutput, "printed JSON that is not an object"),
            ("printf ''", .invalidOutput, "printed no valid JSON"),
            ("echo '{\"a\":1} {\"b\":2}'", .invalidOutput, "printed no valid JSON"),
            ("echo 'no such group' >&2; exit 3", .failed, "exited with status 3; stderr: no such group"),
            ("kill -9 $$", .failed, "was killed by signal 9"),
        ]
        for (index, (body, code, reason)) in cases.enumerated() {
            let path = try hook("bad\(index).sh", body)
            let outcome = evaluate(try commandPipeline(path))
            XCTAssertEqual(outcome.refusal?.code, code, body)
            XCTAssertTrue(outcome.events.first?.message.contains(reason) ?? false, "\(body): \(outcome.events)")
            XCTAssertEqual(outcome.claims, [:])
        }
    }

    func testOutputBeyondTheLimitStopsTheHook() throws {
        let path = try hook("flood.sh", "yes '{}'")
        let outcome = evaluate(try commandPipeline(path, options: "    max_output_bytes: 1000\n"))
        XCTAssertEqual(outcome.refusal, ClaimsFailure(.tooLarge, ""))
        XCTAssertTrue(outcome.events.first?.message.contains("wrote more than 1000 bytes") ?? false, "\(outcome.events)")
    }

    func testSkipIssuesTheOtherClaimsAndLogsTheReason() throws {
        let path = try hook("fail.sh", "exit 1")
        let pipeline = try pipeline("""
            claims:
              - provider: claims.static
                claims: {tenant: acme}
              - provider: claims.command
                command: [\(path)]
                on_error: skip
            """)
        let outcome = evaluate(pipeline)
        XCTAssertNil(outcome.refusal)
        XCTAssertEqual(json(outcome.claims), #"{"tenant":"acme"}"#)
        XCTAssertEqual(outcome.events, [ClaimsEvent(level: .warning, message:
            "claims[1] (claims.command): \(path) exited with status 1; token issued without these claims (on_error: skip)")])
    }

    func testReservedClaimsFromAHookAreDroppedWithAWarning() throws {
        let path = try hook("sneaky.sh", #"echo '{"exp":1,"user_id":"1","hash_password":"x","role":"admin"}'"#)
        let outcome = evaluate(try commandPipeline(path))
        XCTAssertNil(outcome.refusal)
        XCTAssertEqual(json(outcome.claims), #"{"role":"admin"}"#)
        XCTAssertEqual(outcome.events.map(\.level), [.warning, .warning, .warning])
        XCTAssertEqual(outcome.events.first?.message,
                       #"claims[0] (claims.command): dropped the claim "exp" for user 7: authd sets it itself"#)
    }

    func testTheTotalSizeIsCapped() throws {
        let path = try hook("big.sh", #"printf '{"blob":"%s"}' "$(head -c 200 /dev/zero | tr '\0' x)""#)
        let yaml = """
            claims:
              providers:
                - provider: claims.static
                  claims: {tenant: acme}
                - provider: claims.command
                  command: [\(path)]
                  on_error: %@
              max_bytes: 100
            """
        let skipping = try pipeline(yaml.replacingOccurrences(of: "%@", with: "skip"))
        let skipped = evaluate(skipping)
        XCTAssertNil(skipped.refusal)
        XCTAssertEqual(json(skipped.claims), #"{"tenant":"acme"}"#)
        XCTAssertTrue(skipped.events.first?.message.contains("more than claims.max_bytes (100)") ?? false, "\(skipped.events)")
        let failing = try pipeline(yaml.replacingOccurrences(of: "%@", with: "fail"))
        XCTAssertEqual(evaluate(failing).refusal, ClaimsFailure(.tooLarge, ""))
    }

    func testManyConcurrentRunsAllSucceed() throws {
        let path = try hook("quick.sh", #"cat >/dev/null; echo '{"ok":true}'"#)
        let pipeline = try commandPipeline(path)
        let failed = FailureList()
        let user = alice
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let outcome = pipeline.evaluate(ClaimsSubject(user: user, groups: ["g"]))
            if outcome.claims != ["ok": true] { failed.append("\(outcome.events)") }
        }
        XCTAssertEqual(failed.items, [])
    }

    func testCommandMisconfigurations() throws {
        let notExecutable = folder.file("plain.txt")
        try "x".write(toFile: notExecutable, atomically: true, encoding: .utf8)
        XCTAssertEqual(try errors("""
            claims:
              - provider: claims.command
              - provider: claims.command
                command: claims-hook
              - provider: claims.command
                command: [claims-hook]
              - provider: claims.command
                command: [/bin/sh]
                timeout: soon
              - provider: claims.command
                command: [/bin/sh]
                timeout: 2m
              - provider: claims.command
                command: [/bin/sh]
                max_output_bytes: "64"
              - provider: claims.command
                command: [/bin/sh]
                environment: [PATH]
              - provider: claims.command
                command: [\(folder.file("missing"))]
              - provider: claims.command
                command: [\(notExecutable)]
              - provider: claims.command
                command: [\(folder.path)]
            """), [
            #"authd.yaml:4:5: claims[0] (claims.command): command: missing "command""#,
            #"authd.yaml:6:5: claims[1] (claims.command): command: expected a list: the executable's absolute path, then its arguments, got "claims-hook""#,
            #"authd.yaml:8:15: claims[2] (claims.command): command[0]: "claims-hook" is not a path; give the executable's absolute path, such as /usr/lib/authd/claims-hook (authd runs no shell and searches no PATH)"#,
            #"authd.yaml:11:5: claims[3] (claims.command): timeout: expected a duration such as "500ms" or "2s", got "soon""#,
            "authd.yaml:14:5: claims[4] (claims.command): timeout: 2m is out of range; expected 1ms to 1m",
            #"authd.yaml:17:5: claims[5] (claims.command): max_output_bytes: expected an integer, got "64""#,
            "authd.yaml:20:5: claims[6] (claims.command): environment: expected a mapping of variable names to values, got a list",
            "authd.yaml:22:5: claims[7] (claims.command): command: cannot use \(folder.file("missing")): No such file or directory",
            "authd.yaml:24:5: claims[8] (claims.command): command: \(notExecutable) is not executable: Permission denied",
            "authd.yaml:26:5: claims[9] (claims.command): command: \(folder.path) is not a regular file",
        ])
    }
}

/// Messages appended from several threads.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ item: String) { lock.lock(); storage.append(item); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return storage }
}
