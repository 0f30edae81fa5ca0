package newsagg.core.corpus;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import newsagg.core.domain.NewArticle;
import newsagg.core.corpus.ProgressListener.Phase;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a generated corpus into an empty, migrated newsagg database with {@code COPY ... FROM STDIN}, streaming rows
 * as they are generated. For speed it drops the articles table's indexes and foreign keys before copying and rebuilds
 * them afterwards from the definitions PostgreSQL reports (so the schema stays defined only in the migrations), copies
 * into freshly truncated tables with {@code FREEZE} (rows arrive visible and frozen, so nothing rewrites them later),
 * and ends with {@code ANALYZE}.
 *
 * <p>Everything happens in one transaction on one connection: if anything fails midway, including a progress
 * listener, the rollback restores the dropped indexes and constraints and the previous contents. The load holds
 * exclusive locks on {@code sources} and {@code articles} until it commits.
 */
public final class CorpusLoader {

    /** How often, in rows, the loader reports article progress by default. */
    public static final int DEFAULT_REPORT_EVERY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(CorpusLoader.class);
    private static final int FLUSH_CHARS = 1 << 16;
    private static final String MAINTENANCE_WORK_MEM = "512MB";

    private final DataSource dataSource;
    private final int reportEvery;

    public CorpusLoader(DataSource dataSource) {
        this(dataSource, DEFAULT_REPORT_EVERY);
    }

    /** @param reportEvery report article progress every this many rows (at least 1) */
    public CorpusLoader(DataSource dataSource, int reportEvery) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (reportEvery < 1) {
            throw new IllegalArgumentException("reportEvery must be at least 1, got " + reportEvery);
        }
        this.reportEvery = reportEvery;
    }

    /**
     * What a load did.
     *
     * @param sources  sources inserted
     * @param articles articles inserted
     * @param indexes  indexes and constraints dropped and rebuilt
     * @param elapsed  wall time of the whole load, commit included
     */
    public record Result(int sources, long articles, int indexes, Duration elapsed) {
        /** Articles per second over the whole load. */
        public double articlesPerSecond() {
            double seconds = elapsed.toNanos() / 1e9;
            return seconds <= 0 ? 0 : articles / seconds;
        }
    }

    /**
     * Generates {@code spec}'s corpus and loads it.
     *
     * @param replace  when the database already has sources or articles: false refuses, true deletes them first
     *                 ({@code TRUNCATE ... CASCADE}, which also empties tables that reference them)
     * @throws CorpusLoadException when refused or when PostgreSQL fails; nothing is changed then
     */
    public Result load(CorpusSpec spec, boolean replace, ProgressListener progress) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(progress, "progress");
        long start = System.nanoTime();
        CorpusGenerator generator = new CorpusGenerator(spec);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                boolean fresh = prepare(connection, replace);
                List<Rebuild> rebuilds = dropIndexesAndForeignKeys(connection);
                Map<Integer, Long> sourceIds = copySources(connection, generator, fresh, progress);
                copyArticles(connection, generator, sourceIds, fresh, progress);
                rebuild(connection, rebuilds, progress);
                progress.progress(Phase.ANALYZE, 0, 1);
                execute(connection, "ANALYZE sources, articles");
                progress.progress(Phase.ANALYZE, 1, 1);
                connection.commit();
                Result result = new Result(spec.sources(), spec.articles(), rebuilds.size(),
                        Duration.ofNanos(System.nanoTime() - start));
                LOG.info("corpus loaded: {} sources, {} articles, {} indexes rebuilt in {} ms (seed {}, {} days to {})",
                        result.sources(), result.articles(), result.indexes(), result.elapsed().toMillis(),
                        spec.seed(), spec.days(), spec.now());
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new CorpusLoadException("corpus load failed and was rolled back: " + e.getMessage(), e);
        }
    }

    /**
     * Locks both tables, refuses a non-empty database unless replacing, and empties the tables when that is safe.
     * Returns whether the tables were truncated in this transaction, which is what allows {@code COPY ... FREEZE}.
     */
    private static boolean prepare(Connection connection, boolean replace) throws SQLException {
        execute(connection, "SET LOCAL maintenance_work_mem = '" + MAINTENANCE_WORK_MEM + "'");
        execute(connection, "SET LOCAL statement_timeout = 0");
        execute(connection, "LOCK TABLE sources, articles IN ACCESS EXCLUSIVE MODE");
        long articles = queryLong(connection, "SELECT count(*) FROM articles");
        long sources = queryLong(connection, "SELECT count(*) FROM sources");
        if ((articles > 0 || sources > 0) && !replace) {
            throw new CorpusLoadException(String.format(
                    "refusing to load the corpus: the database already has %,d articles and %,d sources; "
                            + "load with replace to delete them first", articles, sources));
        }
        if (replace) {
            execute(connection, "TRUNCATE articles, sources RESTART IDENTITY CASCADE");
            return true;
        }
        // Without replace, never cascade: another table referencing these (even an empty one) makes TRUNCATE
        // impossible, and then the rows are copied without FREEZE.
        if (queryLong(connection, """
                SELECT count(*) FROM pg_constraint
                WHERE contype = 'f' AND confrelid IN ('sources'::regclass, 'articles'::regclass)
                  AND conrelid NOT IN ('sources'::regclass, 'articles'::regclass)""") > 0) {
            execute(connection, "ALTER TABLE sources ALTER COLUMN id RESTART");
            execute(connection, "ALTER TABLE articles ALTER COLUMN id RESTART");
            return false;
        }
        execute(connection, "TRUNCATE articles, sources RESTART IDENTITY");
        return true;
    }

    /**
     * Drops every index and foreign key of {@code articles} except indexes that other tables' foreign keys depend
     * on, and returns how to recreate them, read from PostgreSQL's own definitions.
     */
    private static List<Rebuild> dropIndexesAndForeignKeys(Connection connection) throws SQLException {
        List<Rebuild> rebuilds = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT i.indexrelid::regclass::text AS index_name,
                            pg_get_indexdef(i.indexrelid) AS index_def,
                            quote_ident(c.conname) AS constraint_name,
                            pg_get_constraintdef(c.oid) AS constraint_def
                     FROM pg_index i
                     LEFT JOIN pg_constraint c
                            ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
                     WHERE i.indrelid = 'articles'::regclass
                       AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                                       WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
                     UNION ALL
                     SELECT NULL, NULL, quote_ident(c.conname), pg_get_constraintdef(c.oid)
                     FROM pg_constraint c
                     WHERE c.conrelid = 'articles'::regclass AND c.contype = 'f'
                     ORDER BY 1 NULLS LAST, 3""")) {
            while (rows.next()) {
                String index = rows.getString("index_name");
                String constraint = rows.getString("constraint_name");
                if (constraint != null) {
                    rebuilds.add(new Rebuild(constraint,
                            "ALTER TABLE articles DROP CONSTRAINT " + constraint,
                            "ALTER TABLE articles ADD CONSTRAINT " + constraint + " " + rows.getString("constraint_def")));
                } else {
                    rebuilds.add(new Rebuild(index, "DROP INDEX " + index, rows.getString("index_def")));
                }
            }
        }
        for (Rebuild rebuild : rebuilds) {
            execute(connection, rebuild.dropSql());
        }
        return rebuilds;
    }

    private static Map<Integer, Long> copySources(Connection connection, CorpusGenerator generator, boolean freeze,
                                                  ProgressListener progress) throws SQLException {
        List<CorpusSource> sources = generator.sources();
        progress.progress(Phase.SOURCES, 0, sources.size());
        StringBuilder buffer = new StringBuilder(FLUSH_CHARS + 4096);
        CopyText row = new CopyText(buffer);
        CopyIn copy = copyIn(connection, "COPY sources (title, feed_url, site_url, created_at, last_fetched_at, "
                + "next_fetch_at) FROM STDIN" + (freeze ? " WITH (FREEZE)" : ""));
        try {
            for (CorpusSource source : sources) {
                row.text(source.title()).text(source.feedUrl()).text(source.siteUrl()).timestamp(source.createdAt())
                        .timestamp(source.lastFetchedAt()).timestamp(source.nextFetchAt()).endRow();
                flushIfFull(copy, buffer, FLUSH_CHARS);
            }
            flushIfFull(copy, buffer, -1);
            copy.endCopy();
        } finally {
            cancelIfActive(copy);
        }
        Map<Integer, Long> ids = new HashMap<>();
        Map<String, Integer> numberByFeed = new HashMap<>();
        for (CorpusSource source : sources) {
            numberByFeed.put(source.feedUrl(), source.number());
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, feed_url FROM sources")) {
            while (rows.next()) {
                ids.put(numberByFeed.get(rows.getString(2)), rows.getLong(1));
            }
        }
        progress.progress(Phase.SOURCES, sources.size(), sources.size());
        return ids;
    }

    private void copyArticles(Connection connection, CorpusGenerator generator, Map<Integer, Long> sourceIds,
                              boolean freeze, ProgressListener progress) throws SQLException {
        long total = generator.spec().articles();
        progress.progress(Phase.ARTICLES, 0, total);
        StringBuilder buffer = new StringBuilder(FLUSH_CHARS + 8192);
        CopyText row = new CopyText(buffer);
        CopyIn copy = copyIn(connection, "COPY articles (source_id, dedupe_key, guid, url, title, summary, content_html, "
                + "author, published_at, fetched_at, categories) FROM STDIN" + (freeze ? " WITH (FREEZE)" : ""));
        try {
            long done = 0;
            Iterator<CorpusArticle> articles = generator.articles().iterator();
            while (articles.hasNext()) {
                CorpusArticle generated = articles.next();
                NewArticle article = generated.article();
                row.number(sourceIds.get(generated.sourceNumber())).text(article.dedupeKey()).text(article.guid())
                        .text(article.url()).text(article.title()).text(article.summary()).text(article.contentHtml())
                        .text(article.author()).timestamp(article.publishedAt()).timestamp(article.fetchedAt())
                        .textArray(article.categories()).endRow();
                flushIfFull(copy, buffer, FLUSH_CHARS);
                if (++done % reportEvery == 0) {
                    progress.progress(Phase.ARTICLES, done, total);
                }
            }
            flushIfFull(copy, buffer, -1);
            copy.endCopy();
            if (done % reportEvery != 0) {
                progress.progress(Phase.ARTICLES, done, total);
            }
        } finally {
            cancelIfActive(copy);
        }
    }

    private static void rebuild(Connection connection, List<Rebuild> rebuilds, ProgressListener progress)
            throws SQLException {
        progress.progress(Phase.INDEXES, 0, rebuilds.size());
        for (int i = 0; i < rebuilds.size(); i++) {
            Rebuild rebuild = rebuilds.get(i);
            long start = System.nanoTime();
            execute(connection, rebuild.createSql());
            LOG.debug("rebuilt {} in {} ms", rebuild.name(), (System.nanoTime() - start) / 1_000_000);
            progress.progress(Phase.INDEXES, i + 1, rebuilds.size());
        }
    }

    private static CopyIn copyIn(Connection connection, String sql) throws SQLException {
        return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    }

    /** Sends the buffer when it holds more than {@code threshold} characters; a negative threshold always sends. */
    private static void flushIfFull(CopyIn copy, StringBuilder buffer, int threshold) throws SQLException {
        if (buffer.length() > threshold && buffer.length() > 0) {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            buffer.setLength(0);
        }
    }

    private static void cancelIfActive(CopyIn copy) {
        if (copy.isActive()) {
            try {
                copy.cancelCopy();
            } catch (SQLException e) {
                LOG.warn("cancelling COPY failed: {}", e.getMessage());
            }
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** How to drop one index or constraint, and how to put it back. */
    private record Rebuild(String name, String dropSql, String createSql) {
    }
}
