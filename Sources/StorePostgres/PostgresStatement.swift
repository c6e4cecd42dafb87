/// A statement authd runs, prepared under `name` on each connection the first time it is used there
/// (so it is parsed and planned once per connection, not per call).
struct PostgresStatement: Sendable, Hashable {
    let name: String
    let sql: String

    init(_ name: String, _ sql: String) {
        self.name = "authd_" + name
        self.sql = sql
    }
}
