#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import JOSE
import JSON
import LoadGenerator
import Platform
import Store
import Tokens
import Synchronization

/// `authd bench`: a load generator for any running HTTP server (TCP or Unix socket), plus the two helpers the
/// benchmark script needs: minting distinct refresh tokens and timing start-up.
enum BenchCommand {
    static let usage = """
        authd bench (--tcp HOST:PORT | --unix PATH) --path P [--method M] [--body TEXT | --bodies FILE]
                    [--content-type T] [--header "Name: value"] [--connections N] [--threads N] [--duration D]
                    [--timeout D] [--accept 200,503] [--idle]
        authd bench wait-ready (--tcp HOST:PORT | --unix PATH) [--path /healthz] [--since-ns NS] [--timeout D]
        authd bench mint-refresh --config PATH --user NAME --count N --out FILE

        A closed-loop HTTP/1.1 load on a running server, TCP or Unix socket. Prints requests/s, p50, p99 and errors,
        then one `result:` line for scripts.
          --path P           the request path, e.g. /api/token/verify/ (required)
          --method M         GET (default) or POST, …
          --body TEXT        the body of every request, sent as application/json unless --content-type says otherwise
          --bodies FILE      one body per line, each sent once in turn (then reused, with a warning)
          --content-type T   the body's media type (default application/json when there is a body)
          --header "N: v"    one extra request header
          --connections N    concurrent keep-alive connections (32); --threads N client threads (2)
          --duration D       how long to run (10s); --timeout D per request (5s)
          --accept LIST      statuses that count as success (default: any 2xx)
          --idle             one request per connection, then hold the connections open
        Exit status: 0 when every request succeeded, 1 when any failed (refused connections, timeouts, other
        statuses than --accept) or nothing was answered, 64 for a usage error.
        """

    private static let loadOptions: Set<String> = [
        "--tcp", "--unix", "--method", "--path", "--body", "--bodies", "--content-type", "--header", "--connections",
        "--threads", "--duration", "--timeout", "--accept", "--since-ns", "--user", "--count", "--out",
    ]

    static func run(_ arguments: [String]) throws(CLIError) {
        let scanner = try ArgumentScanner(arguments, valued: loadOptions.union(CommandContext.valuedOptions), flags: ["--idle"])
        switch scanner.positionals.first {
        case nil: try load(scanner)
        case "wait-ready": try waitReady(scanner)
        case "mint-refresh": try mintRefresh(scanner)
        case let other?: throw .usage("unknown bench action \"\(other)\"; usage:\n\(usage)")
        }
    }

    // MARK: load

    private static func load(_ scanner: ArgumentScanner) throws(CLIError) {
        var plan = LoadPlan(target: try target(scanner))
        plan.method = scanner.value("--method") ?? "GET"
        // Without a path there is nothing sensible to measure: "/" is a 404 on authd.
        guard let path = scanner.value("--path") else {
            throw .usage("--path is required, e.g. --path /api/token/verify/ or --path /healthz; usage:\n\(usage)")
        }
        guard path.hasPrefix("/") else { throw .usage("--path must start with \"/\", e.g. /healthz") }
        plan.path = path
        if let body = scanner.value("--body") {
            guard scanner.value("--bodies") == nil else { throw .usage("give --body or --bodies, not both") }
            plan.bodies = [Array(body.utf8)]
        } else if let file = scanner.value("--bodies") {
            plan.bodies = try lines(of: file)
            guard !plan.bodies.isEmpty else { throw .failure("\(file) holds no request bodies (one per line)") }
        }
        if let contentType = scanner.value("--content-type") ?? (plan.bodies.isEmpty ? nil : "application/json") {
            plan.headers.append(("Content-Type", contentType))
        }
        if let header = scanner.value("--header") {
            guard let colon = header.firstIndex(of: ":") else { throw .usage("--header needs \"Name: value\"") }
            plan.headers.append((String(header[..<colon]),
                                 String(header[header.index(after: colon)...].drop(while: { $0 == " " }))))
        }
        plan.connections = try integer(scanner, "--connections", default: 32)
        plan.threads = try integer(scanner, "--threads", default: 2)
        plan.duration = try seconds(scanner, "--duration", default: 10)
        plan.requestTimeout = try seconds(scanner, "--timeout", default: 5)
        plan.holdIdle = scanner.flag("--idle")
        if let accept = scanner.value("--accept") {
            var codes: Set<Int> = []
            for piece in accept.split(separator: ",") {
                guard let code = Int(piece), (100...599).contains(code) else {
                    throw .usage("--accept takes status codes such as 200,503")
                }
                codes.insert(code)
            }
            plan.acceptedStatuses = codes
        }
        let report: LoadReport
        do {
            report = try LoadGenerator.run(plan)
        } catch {
            throw .failure(error.message)
        }
        print(report.text)
        // A benchmark whose requests failed measured the failure, not the server: say so in the exit status.
        if report.responses == 0 {
            throw .failure("no request was answered" + (report.firstError.map { ": \($0)" } ?? ""))
        }
        if report.errors > 0 {
            throw .failure("\(report.errors) requests failed" + (report.firstError.map { " (first: \($0))" } ?? ""))
        }
    }

    // MARK: wait-ready

    /// Prints the milliseconds from `--since-ns` (a CLOCK_REALTIME stamp such as `date +%s%N`) to the first
    /// 2xx answer; the script takes the stamp just before starting the daemon.
    private static func waitReady(_ scanner: ArgumentScanner) throws(CLIError) {
        let target = try target(scanner)
        let timeout = try seconds(scanner, "--timeout", default: 10)
        let readyAt: UInt64
        do {
            readyAt = try ReadinessProbe.waitUntilReady(target, path: scanner.value("--path") ?? "/healthz", timeout: timeout)
        } catch {
            throw .failure(error.message)
        }
        if let since = scanner.value("--since-ns") {
            guard let start = UInt64(since) else { throw .usage("--since-ns takes nanoseconds, e.g. $(date +%s%N)") }
            let elapsed = readyAt >= start ? Double(readyAt - start) / 1e6 : 0
            print("ready_ms=\(Double(Int(elapsed * 10)) / 10)")
        } else {
            print("ready")
        }
    }

    // MARK: mint-refresh

    /// Writes `--count` distinct refresh tokens for one user, one JSON body `{"refresh":"…"}` per line, signed
    /// with the configured key exactly as `POST /api/token/` issues them, and records them as outstanding.
    /// A refresh benchmark needs a fresh token per request, and obtaining them through the API would take
    /// hours at 1.5M PBKDF2 iterations each.
    private static func mintRefresh(_ scanner: ArgumentScanner) throws(CLIError) {
        guard let username = scanner.value("--user"), let out = scanner.value("--out") else {
            throw .usage("mint-refresh needs --user NAME and --out FILE; usage:\n\(usage)")
        }
        let count = try integer(scanner, "--count", default: 0)
        guard count >= 1, count <= 10_000_000 else { throw .usage("--count must be 1 to 10000000") }
        let context = CommandContext(scanner)
        let minter = try context.minter()
        let store = try context.store()
        defer { store.close() }
        let found: User?
        do {
            found = try StoreCall.wait { store.user(username: username, completion: $0) }
        } catch {
            throw .failure(error.message)
        }
        guard let user = found else {
            throw .failure("no user \"\(username)\"; create it with `authd user add \(username)`")
        }
        let now = SystemWallClock().now()
        var output: [UInt8] = []
        var records: [TokenRecord] = []
        records.reserveCapacity(count)
        for _ in 0..<count {
            let payload = minter.payload(for: user, sliding: false, extraClaims: [:], now: now)
            let token: IssuedToken
            do {
                token = try minter.encode(payload, kind: .refresh)
            } catch {
                throw .failure("cannot sign: \(error.message)")
            }
            output.append(contentsOf: #"{"refresh":""#.utf8)
            output.append(contentsOf: token.token.utf8)
            output.append(contentsOf: "\"}\n".utf8)
            records.append(TokenRecord(jti: minter.jti(of: payload) ?? "", userID: user.id, createdAt: now,
                                       expiresAt: Double(token.expiresAt)))
        }
        try record(records, in: store)
        try SecureFile.write(output, to: out, mode: 0o600, replace: true)
        print("wrote \(count) refresh token bodies for user \(username) to \(out)")
    }

    /// Records the tokens through the store's group commit (hundreds per transaction), then waits for all. At most
    /// `window` are in flight, within what a store queues (PostgreSQL's refuses calls beyond its queue limit).
    private static func record(_ records: [TokenRecord], in store: any TokenStore, window: Int = 4096) throws(CLIError) {
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: window)
        let failure = Mutex<String?>(nil)
        for record in records {
            slots.wait()
            group.enter()
            store.recordOutstanding(record, family: nil, parentJTI: nil) { result in
                if case .failure(let error) = result { failure.withLock { $0 = $0 ?? error.message } }
                slots.signal()
                group.leave()
            }
        }
        group.wait()
        if let message = failure.withLock({ $0 }) { throw .failure("cannot record the tokens: \(message)") }
    }

    // MARK: options

    private static func target(_ scanner: ArgumentScanner) throws(CLIError) -> LoadTarget {
        do throws(LoadError) {
            switch (scanner.value("--tcp"), scanner.value("--unix")) {
            case let (tcp?, nil): return try LoadTarget.parse(tcp)
            case let (nil, unix?): return try LoadTarget.unix(path: unix)
            default: throw LoadError(.invalidTarget, "give exactly one of --tcp HOST:PORT or --unix PATH")
            }
        } catch {
            throw .usage(error.message)
        }
    }

    private static func integer(_ scanner: ArgumentScanner, _ name: String, default value: Int) throws(CLIError) -> Int {
        guard let text = scanner.value(name) else { return value }
        guard let number = Int(text), number > 0 else { throw .usage("\(name) takes a positive whole number") }
        return number
    }

    /// "10", "10s", "500ms", "2m".
    private static func seconds(_ scanner: ArgumentScanner, _ name: String, default value: Double) throws(CLIError) -> Double {
        guard let text = scanner.value(name) else { return value }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let number = Double(text.dropLast(suffix.count)), number > 0, number.isFinite { return number * scale }
            break
        }
        if let number = Double(text), number > 0, number.isFinite { return number }
        throw .usage("\(name) takes a duration such as 10s or 500ms")
    }

    /// The non-empty lines of a file, as bytes.
    private static func lines(of path: String) throws(CLIError) -> [[UInt8]] {
        let content: [UInt8]
        do {
            content = try FileDescriptor.open(path, O_RDONLY | O_CLOEXEC).readToEnd()
        } catch {
            throw .failure("cannot \(error.call) \(path): \(error.reason)")  // "cannot open …" or "cannot read …"
        }
        return content.split(separator: UInt8(ascii: "\n")).map { Array($0) }
    }
}
