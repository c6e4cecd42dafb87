import Store

extension PostgresStore {
    /// What `authd check-config` learns about the database: that it can be reached with these settings, and the
    /// schema version (missing: authd's schema is not there yet), without creating or changing anything.
    public static func inspect(_ configuration: PostgresConfiguration) throws(StoreError) -> StoreInspection {
        try validate(configuration)
        let connection = try PostgresConnection.open(configuration)
        let location = describe(connection, configuration)
        guard let version = try PostgresSchema.version(connection, configuration) else { return .missing(location: location) }
        guard version <= PostgresSchema.latestVersion else {
            throw StoreError(.schemaTooNew, "schema \(configuration.schema) has version \(version) but this authd knows "
                + "only up to \(PostgresSchema.latestVersion); it was migrated by a newer authd: upgrade authd on every instance")
        }
        return .existing(location: location, schemaVersion: version)
    }

    static func validate(_ configuration: PostgresConfiguration) throws(StoreError) {
        guard PostgresConfiguration.isValidSchemaName(configuration.schema) else {
            throw StoreError(.invalidArgument, "\"\(configuration.schema)\" is not a schema name authd accepts: "
                + "lower-case letters, digits and _, starting with a letter or _, at most 63 characters")
        }
    }

    static func describe(_ connection: PostgresConnection, _ configuration: PostgresConfiguration) -> String {
        "postgresql \(connection.summary), schema \(configuration.schema)"
    }
}
