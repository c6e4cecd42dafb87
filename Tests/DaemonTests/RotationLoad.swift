import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Clients that keep refreshing along rotation chains of their own, against one or more running daemons, and
/// remember every rotation a daemon acknowledged (200) and every status they saw. For the tests that take the
/// database or a daemon down under load: afterwards, every acknowledged rotation must be in the database.
final class RotationLoad: @unchecked Sendable {
    struct Rotation: Hashable {
        let oldJTI: String
        let newJTI: String
    }

    struct Report {
        var acknowledged: [Rotation] = []
        var statuses: [Int: Int] = [:]
        /// Bodies of answers other than 200, 401 (a retried rotation that had committed) and 503.
        var unexpected: [String] = []
        var unavailableWithoutRetryAfter = 0
        /// Clients whose daemon went away (connection refused or closed).
        var disconnected = 0
    }

    private let lock = NSLock()
    private var report = Report()
    private var stopping = false
    private let finished = DispatchGroup()

    /// Starts `clientsPerDaemon` client threads per daemon; client `n` logs in as `users[n % users.count]`.
    init(daemons: [DaemonFixture], clientsPerDaemon: Int, users: [String], password: String) {
        for (index, daemon) in daemons.enumerated() {
            for client in 0..<clientsPerDaemon {
                let user = users[(index * clientsPerDaemon + client) % users.count]
                let port = daemon.port
                finished.enter()
                Thread { [self] in
                    // Foundation learns that a child process exited through a signalfd for SIGCHLD, which only works
                    // while no thread accepts the signal itself: a client thread that did would swallow it, and a
                    // test waiting for `scripts/test-postgres` or a killed daemon would wait forever.
                    var blocked = sigset_t()
                    sigemptyset(&blocked)
                    sigaddset(&blocked, SIGCHLD)
                    pthread_sigmask(SIG_BLOCK, &blocked, nil)
                    run(port: port, user: user, password: password)
                    finished.leave()
                }.start()
            }
        }
    }

    var acknowledgedCount: Int { lock.withLock { report.acknowledged.count } }

    /// The statuses seen so far.
    var statuses: [Int: Int] { lock.withLock { report.statuses } }

    /// Waits (up to `timeout`) until at least `count` rotations are acknowledged in all.
    func waitForAcknowledged(_ count: Int, timeout: TimeInterval = 30) -> Bool {
        waitUntil(timeout: timeout) { acknowledgedCount >= count }
    }

    /// Stops the clients and answers what they saw.
    func stop() -> Report {
        lock.withLock { stopping = true }
        finished.wait()
        return lock.withLock { report }
    }

    private var shouldStop: Bool { lock.withLock { stopping } }

    private func record(_ response: RawHTTPClient.Response) {
        lock.withLock {
            report.statuses[response.status, default: 0] += 1
            switch response.status {
            case 200: break
            case 503: if response.header("Retry-After") == nil { report.unavailableWithoutRetryAfter += 1 }
            case 401 where response.text == #"{"detail":"Token is blacklisted","code":"token_not_valid"}"#: break
            default: report.unexpected.append("\(response.status) \(response.text)")
            }
        }
    }

    private func run(port: UInt16, user: String, password: String) {
        var client: RawHTTPClient?
        var refresh: String?
        let login = (try? jsonString(["username": user, "password": password])) ?? ""
        while !shouldStop {
            do {
                if client == nil { client = try RawHTTPClient(.tcp(host: "127.0.0.1", port: port), timeoutSeconds: 20) }
                guard let connection = client else { continue }
                guard let current = refresh else {
                    let pair = try connection.post("/api/token/", json: login)
                    record(pair)
                    if pair.status == 200 { refresh = pair.json["refresh"] as? String } else { pause() }
                    continue
                }
                let answer = try connection.post("/api/token/refresh/", json: try jsonString(["refresh": current]))
                record(answer)
                switch answer.status {
                case 200:
                    guard let next = answer.json["refresh"] as? String else { continue }
                    let rotation = Rotation(oldJTI: try jti(current), newJTI: try jti(next))
                    lock.withLock { report.acknowledged.append(rotation) }
                    refresh = next
                case 503:
                    pause()  // not acknowledged: try the same token again
                default:
                    refresh = nil  // the chain ended (a retried rotation had committed after all): log in again
                }
            } catch {
                // The daemon went away (kill -9): this client is done.
                lock.withLock { report.disconnected += 1 }
                return
            }
        }
    }

    private func pause() { usleep(20_000) }

    private func jti(_ token: String) throws -> String {
        guard let value = try JWTParts(token).claims["jti"] as? String else { throw ClientError("no jti in \(token)") }
        return value
    }
}

/// Rotations acknowledged but missing from the database: a new token not recorded with its parent, or a parent not
/// blacklisted. Reads the tables with psql.
func lostRotations(_ rotations: [RotationLoad.Rotation], schema: PostgresTestSchema) throws -> [String] {
    let rows = try PostgresTestServer.psql("""
        SELECT o.jti, coalesce(o.parent_jti, ''), coalesce(b.reason, '')
        FROM "\(schema.name)".outstanding_tokens o LEFT JOIN "\(schema.name)".blacklisted_tokens b ON b.token_id = o.id
        """, url: schema.url)
    var parent: [String: String] = [:]
    var blacklisted: Set<String> = []
    for line in rows.split(separator: "\n") {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 3 else { continue }
        parent[fields[0]] = fields[1]
        if !fields[2].isEmpty { blacklisted.insert(fields[0]) }
    }
    var lost: [String] = []
    for rotation in rotations {
        if parent[rotation.newJTI] != rotation.oldJTI { lost.append("\(rotation.newJTI) (child of \(rotation.oldJTI)) is missing") }
        if !blacklisted.contains(rotation.oldJTI) { lost.append("\(rotation.oldJTI) was rotated but is not blacklisted") }
    }
    return lost
}
