package newsagg.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

import javax.sql.DataSource;

import newsagg.core.query.JdbiNewsQueries;
import newsagg.core.query.NewsQueries;
import newsagg.core.store.ArticleStore;
import newsagg.core.store.SourceStore;
import newsagg.core.timing.StageTimer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The embedding entry point of the newsagg core: give it a {@link DataSource} on a PostgreSQL 15+ database and it
 * migrates its own schema ({@link CoreOptions}: {@code newsagg} by default, beside whatever the host keeps there) and
 * hands out the read side ({@link #queries()}) and the stores ({@link #articles()},
 * {@link #sources()}). It owns no resources of its own; whoever created the data source closes it. Instances are
 * immutable and thread-safe.
 */
public final class NewsCore {

    private final Jdbi jdbi;
    private final NewsQueries queries;
    private final ArticleStore articles;
    private final SourceStore sources;

    private NewsCore(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.queries = new JdbiNewsQueries(jdbi);
        this.articles = new ArticleStore(jdbi);
        this.sources = new SourceStore(jdbi);
    }

    /** {@link #open(DataSource, CoreOptions, StageTimer)} with {@link CoreOptions#defaults()} and no timing. */
    public static NewsCore open(DataSource dataSource) {
        return open(dataSource, CoreOptions.defaults(), StageTimer.NONE);
    }

    /** {@link #open(DataSource, CoreOptions, StageTimer)} with {@link CoreOptions#defaults()}. */
    public static NewsCore open(DataSource dataSource, StageTimer timer) {
        return open(dataSource, CoreOptions.defaults(), timer);
    }

    /** {@link #open(DataSource, CoreOptions, StageTimer)} with no timing. */
    public static NewsCore open(DataSource dataSource, CoreOptions options) {
        return open(dataSource, options, StageTimer.NONE);
    }

    /**
     * Migrates the schema ({@link #migrate(DataSource, CoreOptions)}) and builds the core over {@code dataSource},
     * reporting the execution time of every SQL statement to {@code timer} as {@link StageTimer#DB}. The data
     * source's connections must resolve table names in {@code options.schema()} (JDBC URL
     * {@code currentSchema=newsagg}, or {@code HikariConfig.setSchema}, as {@link newsagg.core.store.DataSources}
     * does); it fails at once, naming the schema, when they do not.
     */
    public static NewsCore open(DataSource dataSource, CoreOptions options, StageTimer timer) {
        migrate(dataSource, options);
        requireSchemaOnPath(dataSource, options);
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        if (timer != StageTimer.NONE) {
            jdbi.setSqlLogger(new SqlTiming(timer));
        }
        return new NewsCore(jdbi);
    }

    /** {@link #migrate(DataSource, CoreOptions)} with {@link CoreOptions#defaults()}. */
    public static void migrate(DataSource dataSource) {
        migrate(dataSource, CoreOptions.defaults());
    }

    /**
     * Brings the schema up to date without building anything else; safe to call when it already is. Creates
     * {@code options.schema()} if missing, records the core's migrations ({@link CoreOptions#MIGRATIONS}) in
     * {@code options.historyTable()} only, and first moves a database of newsagg 0.1 (tables in {@code public},
     * Flyway's default history table) into that schema, every row kept.
     */
    public static void migrate(DataSource dataSource, CoreOptions options) {
        Objects.requireNonNull(dataSource, "dataSource");
        Migrations.migrate(dataSource, Objects.requireNonNull(options, "options"));
    }

    private static void requireSchemaOnPath(DataSource dataSource, CoreOptions options) {
        String current;
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_schema()")) {
            rows.next();
            current = rows.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the data source's current schema: " + e.getMessage(), e);
        }
        if (!options.schema().equals(current)) {
            throw new IllegalStateException("the data source's connections resolve table names in schema " + current
                    + ", not in the core's schema " + options.schema() + ": set currentSchema=" + options.schema()
                    + " in the JDBC URL, or HikariConfig.setSchema(\"" + options.schema() + "\")");
        }
    }

    /** The read side the HTTP API serves. */
    public NewsQueries queries() {
        return queries;
    }

    /** Batch upserts of articles, as ingestion produces them. */
    public ArticleStore articles() {
        return articles;
    }

    /** Sources and their fetch state. */
    public SourceStore sources() {
        return sources;
    }

    /**
     * The underlying Jdbi, for tooling inside this project (corpus seeding, benchmarks, tests). Embedders should stay
     * with the typed accessors: the schema behind this handle is not a public contract.
     */
    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Reports the execution time of every JDBI statement to a {@link StageTimer} as {@link StageTimer#DB}, measured
     * with the monotonic clock (JDBI's own elapsed time comes from the wall clock).
     */
    private static final class SqlTiming implements SqlLogger {

        private static final String STARTED = "newsagg.sql.started";

        private final StageTimer timer;

        SqlTiming(StageTimer timer) {
            this.timer = timer;
        }

        @Override
        public void logBeforeExecution(StatementContext context) {
            context.define(STARTED, System.nanoTime());
        }

        @Override
        public void logAfterExecution(StatementContext context) {
            report(context);
        }

        @Override
        public void logException(StatementContext context, SQLException ex) {
            report(context);
        }

        private void report(StatementContext context) {
            if (context.getAttribute(STARTED) instanceof Long started) {
                timer.add(StageTimer.DB, System.nanoTime() - started);
            }
        }
    }
}
