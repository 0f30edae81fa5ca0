package newsagg.core;

import java.util.Objects;

import javax.sql.DataSource;

import newsagg.core.corpus.CorpusLoader;
import newsagg.core.query.JdbiNewsQueries;
import newsagg.core.query.NewsQueries;
import newsagg.core.store.ArticleStore;
import newsagg.core.store.SourceStore;
import newsagg.core.timing.SqlTiming;
import newsagg.core.timing.StageTimer;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The embedding entry point of the newsagg core: give it a {@link DataSource} on a PostgreSQL 15+ database and it
 * migrates the schema and hands out the read side ({@link #queries()}) and the stores ({@link #articles()},
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

    /**
     * Migrates the schema (Flyway, {@code classpath:newsagg/db/migration}), restores the indexes a killed corpus load
     * left dropped ({@link CorpusLoader#restorePendingIndexes}; a no-op normally, a full index build after such a crash),
     * and builds the core over {@code dataSource}.
     */
    public static NewsCore open(DataSource dataSource) {
        return open(dataSource, StageTimer.NONE);
    }

    /**
     * Like {@link #open(DataSource)}, and reports the execution time of every SQL statement to {@code timer} as
     * {@link StageTimer#DB}, so that a server can attribute database time to the request being served.
     */
    public static NewsCore open(DataSource dataSource, StageTimer timer) {
        migrate(dataSource);
        CorpusLoader.restorePendingIndexes(dataSource);
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        if (timer != StageTimer.NONE) {
            jdbi.setSqlLogger(new SqlTiming(timer));
        }
        return new NewsCore(jdbi);
    }

    /** Brings the schema up to date without building anything else; safe to call when it already is. */
    public static void migrate(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:newsagg/db/migration")
                .load()
                .migrate();
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
}
