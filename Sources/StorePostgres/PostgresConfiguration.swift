/// How to reach PostgreSQL and how many connections to keep: built by the assembly from `store.postgres`.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection parameter (`host`, `dbname`, `sslmode`…), passed to `PQconnectdbParams` in order.
    /// A `dbname` that holds a `postgresql://` URL or a `key=value` string is expanded by libpq, and later
    /// parameters override what it says.
    public struct Parameter: Sendable, Equatable {
        public var keyword: String
        public var value: String

        public init(_ keyword: String, _ value: String) {
            self.keyword = keyword
            self.value = value
        }
    }

    public var parameters: [Parameter]
    /// From `password_file`; overrides a password in the URL or in `~/.pgpass`. Never logged.
    public var password: String?
    /// The PostgreSQL schema that holds authd's tables, so authd can share a database (a Django app's) safely.
    public var schema: String
    /// Connections answering look-ups (users, blacklist checks), each pipelining whatever is waiting.
    public var readConnections: Int
    /// Connections running write transactions (group commits); two let one commit while the other fills.
    public var writeConnections: Int
    /// Statement timeout on the server, and how long authd waits for any answer (plus a second) before it
    /// gives up on the connection; also the longest a call waits in the queue. Seconds.
    public var timeout: Double

    public init(parameters: [Parameter], password: String? = nil, schema: String = "authd", readConnections: Int = 2,
                writeConnections: Int = 2, timeout: Double = 5) {
        self.parameters = parameters
        self.password = password
        self.schema = schema
        self.readConnections = readConnections
        self.writeConnections = writeConnections
        self.timeout = timeout
    }

    /// A configuration from one connection URL (or libpq `key=value` string).
    public init(url: String, password: String? = nil, schema: String = "authd") {
        self.init(parameters: [Parameter("dbname", url)], password: password, schema: schema)
    }

    /// A schema name authd accepts: it is written into SQL as an identifier, so only plain lower-case names.
    public static func isValidSchemaName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, first == UInt8(ascii: "_") || (97...122).contains(first)
        else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) }
    }

    /// The parameters handed to libpq for one connection: ours first where the user may override them
    /// (`application_name`), theirs, then those authd needs (`connect_timeout`, the password).
    func connectionParameters() -> [Parameter] {
        var result = [Parameter("application_name", "authd")]
        result += parameters
        // libpq waits at least two seconds whatever it is told; whole seconds only.
        let connectTimeout = max(2, Int(timeout.rounded(.up)))
        if !parameters.contains(where: { $0.keyword == "connect_timeout" }) {
            result.append(Parameter("connect_timeout", String(connectTimeout)))
        }
        result.append(Parameter("client_encoding", "UTF8"))
        if let password { result.append(Parameter("password", password)) }
        return result
    }

    /// `"authd"` as an SQL identifier (the name is validated, so quoting cannot be escaped).
    var quotedSchema: String { "\"\(schema)\"" }

    /// The NOTIFY channel that tells every instance on this schema that something changed.
    var changeChannel: String { "\(schema)_changes" }

    var timeoutMilliseconds: Int { Int((timeout * 1000).rounded()) }
}
