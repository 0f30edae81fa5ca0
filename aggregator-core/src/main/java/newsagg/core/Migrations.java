package newsagg.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the core's schema up to date where {@link CoreOptions} put it. A database still in the layout of newsagg
 * 0.1 (the core's tables in {@code public}, its history in Flyway's default {@code public.flyway_schema_history})
 * is first moved there as it is, rows, sequences and indexes included, in one transaction; Flyway then applies
 * whatever is pending.
 */
final class Migrations {

    /**
     * Every table the core's migrations create, and the seeder's table that 0.1's V2 created among them: what the
     * move out of the 0.1 layout takes along. A migration that creates a table adds it here ({@code MigrationsTest}
     * fails otherwise).
     */
    static final List<String> TABLES = List.of("sources", "articles", "seed_pending_ddl",
            "article_epoch", "term_hours", "term_days", "source_hours", "source_days", "trending_windows",
            "trending_window_terms", "trending_window_sources");
    /**
     * The migration that left the core with the seeder (which now keeps its table in a history of its own):
     * databases migrated before still record it, and Flyway must not take that for a lost migration.
     */
    static final String RETIRED_SCRIPT = "V2__seed_state.sql";

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final String LEGACY_SCHEMA = "public";
    private static final String LEGACY_HISTORY = "flyway_schema_history";
    /** Serializes the move between servers starting at once on the same database. */
    private static final long MOVE_LOCK = 0x6e657773_6167_0001L;

    private Migrations() {
    }

    static void migrate(DataSource dataSource, CoreOptions options) {
        moveLegacyLayout(dataSource, options);
        boolean recordsRetired;
        try (Connection connection = dataSource.getConnection()) {
            recordsRetired = records(connection, options.schema() + "." + options.historyTable(), RETIRED_SCRIPT);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the core's Flyway history failed: " + e.getMessage(), e);
        }
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(options.schema())
                .createSchemas(true)
                .table(options.historyTable())
                .locations(CoreOptions.MIGRATIONS)
                .ignoreMigrationPatterns(recordsRetired ? new String[] {"*:future", "versioned:missing"} : new String[] {"*:future"})
                .load()
                .migrate();
    }

    private static void moveLegacyLayout(DataSource dataSource, CoreOptions options) {
        if (options.schema().equals(LEGACY_SCHEMA)) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (!legacyLayoutPresent(connection, options) || !legacyHistoryIsOurs(dataSource)) {
                return;
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + MOVE_LOCK + ")");
                if (!legacyLayoutPresent(connection, options)) {
                    connection.rollback();
                    return;
                }
                statement.execute("CREATE SCHEMA IF NOT EXISTS " + options.schema());
                for (String table : TABLES) {
                    if (exists(connection, LEGACY_SCHEMA, table)) {
                        statement.execute("ALTER TABLE " + LEGACY_SCHEMA + "." + table + " SET SCHEMA " + options.schema());
                    }
                }
                statement.execute("ALTER TABLE " + LEGACY_SCHEMA + "." + LEGACY_HISTORY + " SET SCHEMA " + options.schema());
                if (!options.historyTable().equals(LEGACY_HISTORY)) {
                    statement.execute("ALTER TABLE " + options.schema() + "." + LEGACY_HISTORY
                            + " RENAME TO " + options.historyTable());
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("moving the core's tables from public into schema " + options.schema()
                    + " failed: " + e.getMessage(), e);
        }
        LOG.info("moved the core's tables and Flyway history from public into schema {} (history table {})",
                options.schema(), options.historyTable());
    }

    /** The 0.1 history exists and the configured one does not yet. */
    private static boolean legacyLayoutPresent(Connection connection, CoreOptions options) throws SQLException {
        return exists(connection, LEGACY_SCHEMA, LEGACY_HISTORY) && !exists(connection, options.schema(), options.historyTable());
    }

    /**
     * True when the history in {@code public} is the core's own: it records the core's V1, and every migration it
     * records is one of the core's with the same checksum (or the retired V2). A host application's own Flyway
     * history there fails this and is left alone.
     */
    private static boolean legacyHistoryIsOurs(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            if (!records(connection, LEGACY_SCHEMA + "." + LEGACY_HISTORY, "V1__schema.sql")) {
                return false;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the Flyway history in public failed: " + e.getMessage(), e);
        }
        return Flyway.configure()
                .dataSource(dataSource)
                .schemas(LEGACY_SCHEMA)
                .createSchemas(false)
                .table(LEGACY_HISTORY)
                .locations(CoreOptions.MIGRATIONS)
                .ignoreMigrationPatterns("*:pending", "*:future", "versioned:missing")
                .load()
                .validateWithResult()
                .validationSuccessful;
    }

    /** True when {@code historyTable} exists and records a successful run of {@code script}. */
    private static boolean records(Connection connection, String historyTable, String script) throws SQLException {
        if (!exists(connection, historyTable)) {
            return false;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM " + historyTable + " WHERE script = ? AND success)")) {
            statement.setString(1, script);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static boolean exists(Connection connection, String schema, String table) throws SQLException {
        return exists(connection, schema + "." + table);
    }

    private static boolean exists(Connection connection, String qualifiedName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, qualifiedName);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }
}
