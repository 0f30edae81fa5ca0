package newsagg.seed;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/**
 * The seeder's own table ({@code seed_pending_ddl}), migrated by Flyway with a history of its own in the core's
 * schema, so that the core's migrations know nothing of the seeder. Safe to call on every load and restore.
 */
final class SeedSchema {

    static final String HISTORY_TABLE = "newsagg_seed_history";
    static final String MIGRATIONS = "classpath:newsagg/seed/db/migration";

    private SeedSchema() {
    }

    /** Brings the seeder's table up to date in the data source's current schema (the core's). */
    static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations(MIGRATIONS)
                // The core's tables are already there: start this history at version 0 instead of refusing them.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
