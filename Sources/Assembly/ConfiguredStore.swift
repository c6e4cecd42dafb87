import Settings
import Store
import StorePostgres
import StoreSQLite

/// The store the settings name, opened for use or inspected for `check-config`: the one place that knows which
/// backends exist (SQLite, the embedded default; PostgreSQL for several instances).
enum ConfiguredStore {
    static func open(_ settings: AuthdSettings, readConnections: Int) throws(ConfigurationFailure) -> any StoreBackend {
        if let postgres = settings.store.postgres {
            do {
                return try PostgresStore(configuration(postgres))
            } catch {
                throw failure(settings, postgres, error)
            }
        }
        do {
            return try SQLiteStore(path: settings.store.sqlitePath,
                                   busyTimeoutMilliseconds: Int(settings.store.busyTimeout.milliseconds),
                                   readConnections: readConnections)
        } catch {
            throw ConfigurationFailure(["\(settings.sourcePath): store.sqlite: \(settings.store.sqlitePath): \(error.message)"])
        }
    }

    /// What the store holds, read without creating or changing anything.
    static func inspect(_ settings: AuthdSettings) throws(ConfigurationFailure) -> String {
        if let postgres = settings.store.postgres {
            do {
                return try PostgresStore.inspect(configuration(postgres)).description
            } catch {
                throw failure(settings, postgres, error)
            }
        }
        do {
            return try SQLiteStore.inspect(path: settings.store.sqlitePath).description
        } catch {
            throw ConfigurationFailure(["\(settings.sourcePath): store.sqlite: \(settings.store.sqlitePath): \(error.message)"])
        }
    }

    /// An SQLite database that must exist already (the source of `authd store copy`): nothing is created.
    static func openExistingSQLite(path: String) throws(ConfigurationFailure) -> any StoreBackend {
        do throws(StoreError) {
            guard case .existing = try SQLiteStore.inspect(path: path) else {
                throw StoreError(.notFound, "no database there; give the path of the SQLite file authd used (store.sqlite)")
            }
            return try SQLiteStore(path: path)
        } catch {
            throw ConfigurationFailure(["\(path): \(error.message)"])
        }
    }

    static func configuration(_ settings: PostgresSettings) -> PostgresConfiguration {
        let readers = max(1, settings.connections / 2)
        return PostgresConfiguration(
            parameters: settings.parameters.map { PostgresConfiguration.Parameter($0.keyword, $0.value) },
            password: settings.password, schema: settings.schema, readConnections: readers,
            writeConnections: max(1, settings.connections - readers), timeout: settings.timeout.seconds)
    }

    private static func failure(_ settings: AuthdSettings, _ postgres: PostgresSettings, _ error: StoreError) -> ConfigurationFailure {
        let place = postgres.mark.map { "\($0)" } ?? settings.sourcePath
        return ConfigurationFailure(["\(place): store.postgres: \(error.message)"])
    }
}
