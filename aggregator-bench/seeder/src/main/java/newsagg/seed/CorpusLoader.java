package newsagg.seed;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import newsagg.core.domain.NewArticle;
import newsagg.core.store.Aggregates;
import newsagg.seed.ProgressListener.Phase;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a generated corpus into an empty, migrated newsagg database with {@code COPY ... FROM STDIN}, streaming rows
 * as they are generated. For speed it drops the articles table's indexes and foreign keys before copying and rebuilds
 * them afterwards from the definitions PostgreSQL reports (so the schema stays defined only in the migrations), copies
 * the articles on {@code parallelism} connections at once, each a disjoint range of article numbers with explicit ids
 * (article id = article number, source id = source number), and ends with {@code ANALYZE}.
 *
 * <p>A load runs in three steps. First, in one transaction: take the tables, refuse a non-empty database unless
 * replacing, empty the tables, record the DDL that restores every index and constraint it is about to drop in
 * {@code seed_pending_ddl}, drop them, and copy the sources; commit. Second, copy the articles, one transaction per
 * connection. Third, in one transaction: set the identity sequences past the loaded ids, re-run the recorded DDL,
 * delete the record, analyze; commit. The recount of the aggregates, the last of that DDL, runs on a connection of its
 * own while the indexes are built, when the loader has two, and commits just before. If the second or third step
 * fails (a listener that throws included), the loader empties the tables and restores the indexes (and so the
 * aggregates, recounted over nothing) before rethrowing; with {@code replace} the previous corpus is gone by then.
 * If the process dies instead, the record survives: the next {@link #load} restores it first, as does
 * {@link #restorePendingIndexes(DataSource)}, which {@code newsagg seed} calls before anything else. A session-level
 * advisory lock keeps two loads, or a load and a restore, from interleaving. Both first migrate the seeder's own
 * table ({@link SeedSchema}).
 */
public final class CorpusLoader {

    /** How often, in rows, the loader reports article progress by default. */
    public static final int DEFAULT_REPORT_EVERY = 10_000;

    /** Advisory lock key held by a running load ("newsagg" seed). */
    static final long LOAD_LOCK = 0x6e65_7773_6167_6753L;

    private static final Logger LOG = LoggerFactory.getLogger(CorpusLoader.class);
    private static final int FLUSH_CHARS = 1 << 16;
    private static final String MAINTENANCE_WORK_MEM = "512MB";
    private static final long POLL_MILLIS = 200;

    private final DataSource dataSource;
    private final int reportEvery;
    private final int parallelism;

    public CorpusLoader(DataSource dataSource) {
        this(dataSource, DEFAULT_REPORT_EVERY);
    }

    /** @param reportEvery report article progress every this many rows (at least 1) */
    public CorpusLoader(DataSource dataSource, int reportEvery) {
        this(dataSource, reportEvery, defaultParallelism());
    }

    /**
     * @param reportEvery report article progress every this many rows (at least 1)
     * @param parallelism connections that copy articles at once (at least 1); the data source must be able to hand
     *                    out that many connections together
     */
    public CorpusLoader(DataSource dataSource, int reportEvery, int parallelism) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (reportEvery < 1) {
            throw new IllegalArgumentException("reportEvery must be at least 1, got " + reportEvery);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.reportEvery = reportEvery;
        this.parallelism = parallelism;
    }

    /** Two connections, or one on a single-core machine: one backend per core computes the search vectors. */
    public static int defaultParallelism() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
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
     * Re-runs the DDL that an interrupted load recorded in {@code seed_pending_ddl} (the indexes and constraints it
     * had dropped), in order and in one transaction, and deletes the record. Does nothing while a load is running in
     * another session, since that load restores its own. Safe to call at any time on a migrated database.
     *
     * @return the statements re-run, in order; empty when nothing was pending
     * @throws CorpusLoadException when PostgreSQL fails; the record is then kept
     */
    public static List<String> restorePendingIndexes(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        SeedSchema.migrate(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            int networkTimeout = connection.getNetworkTimeout();
            // Index builds outlast a serving pool's socket timeout.
            connection.setNetworkTimeout(Runnable::run, 0);
            connection.setAutoCommit(false);
            try {
                settings(connection);
                if (!queryBoolean(connection, "SELECT pg_try_advisory_xact_lock(" + LOAD_LOCK + ")")) {
                    LOG.info("a corpus load is running elsewhere; it restores its own indexes");
                    connection.rollback();
                    return List.of();
                }
                List<String> restored = restorePending(connection);
                connection.commit();
                return restored;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
                connection.setNetworkTimeout(Runnable::run, networkTimeout);
            }
        } catch (SQLException e) {
            throw new CorpusLoadException("restoring the indexes of an interrupted corpus load failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Generates {@code spec}'s corpus and loads it.
     *
     * @param replace  when the database already has sources or articles: false refuses, true deletes them first
     *                 ({@code TRUNCATE ... CASCADE}, which also empties tables that reference them)
     * @throws CorpusLoadException when refused (nothing is changed then) or when PostgreSQL fails (the tables are
     *                             left empty, with every index and constraint in place)
     */
    public Result load(CorpusSpec spec, boolean replace, ProgressListener progress) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(progress, "progress");
        long start = System.nanoTime();
        CorpusGenerator generator = new CorpusGenerator(spec);
        SeedSchema.migrate(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            lock(connection);
            try {
                List<String> restored = restorePending(connection);
                connection.commit();
                if (!restored.isEmpty()) {
                    LOG.warn("restored {} indexes and constraints that an interrupted corpus load had dropped",
                            restored.size());
                }
                Prepared prepared = prepare(connection, generator, replace, progress);
                boolean finished = false;
                try {
                    copyArticles(connection, generator, progress);
                    finish(connection, prepared.rebuilds(), progress);
                    finished = true;
                } finally {
                    if (!finished) {
                        undo(connection, prepared);
                    }
                }
                Result result = new Result(spec.sources(), spec.articles(), prepared.rebuilds().size(),
                        Duration.ofNanos(System.nanoTime() - start));
                LOG.info("corpus loaded: {} sources, {} articles, {} indexes rebuilt in {} ms on {} connections "
                                + "(seed {}, {} days to {})", result.sources(), result.articles(), result.indexes(),
                        result.elapsed().toMillis(), parallelism, spec.seed(), spec.days(), spec.now());
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                unlock(connection);
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new CorpusLoadException("corpus load failed and was undone: " + e.getMessage(), e);
        }
    }

    /** Takes the session-level load lock, waiting for another load to finish; it outlives the transactions. */
    private static void lock(Connection connection) throws SQLException {
        execute(connection, "SET LOCAL statement_timeout = 0");
        execute(connection, "SELECT pg_advisory_lock(" + LOAD_LOCK + ")");
        connection.commit();
    }

    private static void unlock(Connection connection) {
        try {
            connection.rollback();
            execute(connection, "SELECT pg_advisory_unlock(" + LOAD_LOCK + ")");
            connection.commit();
        } catch (SQLException e) {
            LOG.warn("releasing the corpus load lock failed: {}", e.getMessage());
        }
    }

    private static void settings(Connection connection) throws SQLException {
        execute(connection, "SET LOCAL maintenance_work_mem = '" + MAINTENANCE_WORK_MEM + "'");
        execute(connection, "SET LOCAL statement_timeout = 0");
    }

    /**
     * The first step, committed as one transaction: refuses a non-empty database unless replacing, empties the
     * tables, records and drops the indexes and foreign keys of {@code articles}, and copies the sources.
     */
    private static Prepared prepare(Connection connection, CorpusGenerator generator, boolean replace,
                                    ProgressListener progress) throws SQLException {
        settings(connection);
        execute(connection, "LOCK TABLE sources, articles IN ACCESS EXCLUSIVE MODE");
        long articles = queryLong(connection, "SELECT count(*) FROM articles");
        long sources = queryLong(connection, "SELECT count(*) FROM sources");
        if ((articles > 0 || sources > 0) && !replace) {
            throw new CorpusLoadException(String.format(
                    "refusing to load the corpus: the database already has %,d articles and %,d sources; "
                            + "load with replace to delete them first", articles, sources));
        }
        String empty = empty(connection, replace);
        List<Rebuild> rebuilds = dropIndexesAndForeignKeys(connection);
        boolean freeze = empty.startsWith("TRUNCATE");
        copySources(connection, generator, freeze, progress);
        connection.commit();
        return new Prepared(empty, rebuilds);
    }

    /**
     * Empties both tables and returns the statement that did it, to empty them again should the load fail. Without
     * replace, never cascade: another table referencing these (even an empty one) makes TRUNCATE impossible, and
     * then the rows are deleted instead.
     */
    private static String empty(Connection connection, boolean replace) throws SQLException {
        String sql;
        if (replace) {
            sql = "TRUNCATE articles, sources CASCADE";
        } else if (queryLong(connection, """
                SELECT count(*) FROM pg_constraint
                WHERE contype = 'f' AND confrelid IN ('sources'::regclass, 'articles'::regclass)
                  AND conrelid NOT IN ('sources'::regclass, 'articles'::regclass)""") > 0) {
            sql = "DELETE FROM articles; DELETE FROM sources";
        } else {
            sql = "TRUNCATE articles, sources";
        }
        execute(connection, sql);
        return sql;
    }

    /**
     * Drops every index and foreign key of {@code articles} except indexes that other tables' foreign keys depend
     * on, after recording in {@code seed_pending_ddl} how to recreate them, read from PostgreSQL's own definitions.
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
        // Last, so that it runs after the indexes are back: the copy leaves the aggregates to one recount.
        rebuilds.add(new Rebuild("aggregates", Aggregates.PAUSE_FOR_LOAD, Aggregates.RESUME_AND_REBUILD));
        try (PreparedStatement record = connection.prepareStatement(
                "INSERT INTO seed_pending_ddl (position, ddl) VALUES (?, ?)")) {
            for (int i = 0; i < rebuilds.size(); i++) {
                record.setInt(1, i + 1);
                record.setString(2, rebuilds.get(i).createSql());
                record.addBatch();
            }
            record.executeBatch();
        }
        for (Rebuild rebuild : rebuilds) {
            execute(connection, rebuild.dropSql());
        }
        return rebuilds;
    }

    /** Re-runs and deletes whatever {@code seed_pending_ddl} holds, inside the caller's transaction. */
    private static List<String> restorePending(Connection connection) throws SQLException {
        List<String> ddl = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT ddl FROM seed_pending_ddl ORDER BY position FOR UPDATE")) {
            while (rows.next()) {
                ddl.add(rows.getString(1));
            }
        }
        if (ddl.isEmpty()) {
            return List.of();
        }
        settings(connection);
        for (String sql : ddl) {
            long start = System.nanoTime();
            execute(connection, sql);
            LOG.info("restored after an interrupted corpus load in {} ms: {}", (System.nanoTime() - start) / 1_000_000, sql);
        }
        execute(connection, "DELETE FROM seed_pending_ddl");
        return List.copyOf(ddl);
    }

    private static void copySources(Connection connection, CorpusGenerator generator, boolean freeze,
                                    ProgressListener progress) throws SQLException {
        List<CorpusSource> sources = generator.sources();
        progress.progress(Phase.SOURCES, 0, sources.size());
        StringBuilder buffer = new StringBuilder(FLUSH_CHARS + 4096);
        CopyText row = new CopyText(buffer);
        CopyIn copy = copyIn(connection, "COPY sources (id, title, feed_url, site_url, created_at, last_fetched_at, "
                + "next_fetch_at) FROM STDIN" + (freeze ? " WITH (FREEZE)" : ""));
        try {
            for (CorpusSource source : sources) {
                row.number(source.number()).text(source.title()).text(source.feedUrl()).text(source.siteUrl())
                        .timestamp(source.createdAt()).timestamp(source.lastFetchedAt())
                        .timestamp(source.nextFetchAt()).endRow();
                flushIfFull(copy, buffer, FLUSH_CHARS);
            }
            flushIfFull(copy, buffer, -1);
            copy.endCopy();
        } finally {
            cancelIfActive(copy);
        }
        progress.progress(Phase.SOURCES, sources.size(), sources.size());
    }

    /**
     * The second step: copies disjoint ranges of article numbers on {@code parallelism} connections (the first is
     * {@code connection}), each in its own transaction, while this thread reports the combined progress at every
     * multiple of {@code reportEvery}, exactly as one connection would. The first failure stops every copy.
     */
    private void copyArticles(Connection connection, CorpusGenerator generator, ProgressListener progress)
            throws SQLException {
        long total = generator.spec().articles();
        progress.progress(Phase.ARTICLES, 0, total);
        int workers = (int) Math.max(1, Math.min(parallelism, total));
        AtomicLong copied = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Semaphore ticks = new Semaphore(0);
        ExecutorService executor = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "corpus-copy");
            thread.setDaemon(true);
            return thread;
        });
        List<Future<?>> copies = new ArrayList<>(workers);
        try {
            for (int i = 0; i < workers; i++) {
                long from = 1 + total * i / workers;
                long to = 1 + total * (i + 1) / workers;
                boolean own = i == 0;
                copies.add(executor.submit(() -> {
                    try {
                        if (own) {
                            copyRange(connection, generator, from, to, copied, ticks, stop);
                        } else {
                            try (Connection other = dataSource.getConnection()) {
                                copyRange(other, generator, from, to, copied, ticks, stop);
                            }
                        }
                        return null;
                    } catch (SQLException | RuntimeException e) {
                        stop.set(true);
                        throw e;
                    } finally {
                        ticks.release();
                    }
                }));
            }
            long reported = 0;
            while (true) {
                boolean allDone = copies.stream().allMatch(Future::isDone);
                if (stop.get()) {
                    break;
                }
                long now = copied.get();
                while (reported + reportEvery <= now) {
                    reported += reportEvery;
                    progress.progress(Phase.ARTICLES, reported, total);
                }
                if (allDone) {
                    break;
                }
                ticks.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
                ticks.drainPermits();
            }
            awaitAll(copies);
            if (reported != total) {
                progress.progress(Phase.ARTICLES, total, total);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CorpusLoadException("corpus load interrupted and undone", e);
        } finally {
            stop.set(true);
            for (Future<?> copy : copies) {
                awaitQuietly(copy, "article copy");
            }
            executor.shutdownNow();
        }
    }

    /** Waits for every copy and rethrows the first failure as it was thrown. */
    private static void awaitAll(List<Future<?>> copies) throws SQLException, InterruptedException {
        Throwable first = null;
        for (Future<?> copy : copies) {
            try {
                copy.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (first == null || first instanceof CopyStopped) {
                    first = cause;
                } else if (!(cause instanceof CopyStopped)) {
                    first.addSuppressed(cause);
                }
            }
        }
        if (first != null) {
            rethrow(first);
        }
    }

    /** Throws what a task failed with as it was thrown, or wrapped when it is neither SQL nor unchecked. */
    private static void rethrow(Throwable failure) throws SQLException {
        if (failure instanceof SQLException sql) {
            throw sql;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new IllegalStateException(failure);
    }

    /** Waits for a task that was told to stop, only logging how it ended. */
    private static void awaitQuietly(Future<?> task, String name) {
        try {
            task.get();
        } catch (ExecutionException | CancellationException e) {
            LOG.debug("{} ended with {}", name, e.getCause() == null ? e : e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void copyRange(Connection connection, CorpusGenerator generator, long from, long to, AtomicLong copied,
                           Semaphore ticks, AtomicBoolean stop) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            execute(connection, "SET LOCAL statement_timeout = 0");
            StringBuilder buffer = new StringBuilder(FLUSH_CHARS + 8192);
            CopyText row = new CopyText(buffer);
            CopyIn copy = copyIn(connection, "COPY articles (id, source_id, dedupe_key, guid, url, title, summary, "
                    + "content_html, author, published_at, fetched_at, categories) FROM STDIN");
            try {
                Iterator<CorpusArticle> articles = generator.articles(from, to).iterator();
                while (articles.hasNext()) {
                    if (stop.get()) {
                        throw new CopyStopped();
                    }
                    CorpusArticle generated = articles.next();
                    NewArticle article = generated.article();
                    row.number(generated.number()).number(generated.sourceNumber()).text(article.dedupeKey())
                            .text(article.guid()).text(article.url()).text(article.title()).text(article.summary())
                            .text(article.contentHtml()).text(article.author()).timestamp(article.publishedAt())
                            .timestamp(article.fetchedAt()).textArray(article.categories()).endRow();
                    flushIfFull(copy, buffer, FLUSH_CHARS);
                    if (copied.incrementAndGet() % reportEvery == 0) {
                        ticks.release();
                    }
                }
                flushIfFull(copy, buffer, -1);
                copy.endCopy();
            } finally {
                cancelIfActive(copy);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * The third step, one transaction: moves the identity sequences past the explicit ids, re-runs the recorded DDL,
     * deletes the record and analyzes. With a second connection to spare, the recount of the aggregates runs there
     * while this one builds the plain indexes ({@link #rebuildOverlapped}).
     */
    private void finish(Connection connection, List<Rebuild> rebuilds, ProgressListener progress)
            throws SQLException {
        settings(connection);
        for (String table : List.of("sources", "articles")) {
            execute(connection, "SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), "
                    + "coalesce((SELECT max(id) FROM " + table + "), 0) + 1, false)");
        }
        progress.progress(Phase.INDEXES, 0, rebuilds.size());
        if (parallelism >= 2 && rebuilds.get(rebuilds.size() - 1).createSql().equals(Aggregates.RESUME_AND_REBUILD)) {
            rebuildOverlapped(connection, rebuilds, progress);
        } else {
            for (int i = 0; i < rebuilds.size(); i++) {
                rebuild(connection, rebuilds.get(i));
                progress.progress(Phase.INDEXES, i + 1, rebuilds.size());
            }
        }
        execute(connection, "DELETE FROM seed_pending_ddl");
        progress.progress(Phase.ANALYZE, 0, 1);
        execute(connection, "ANALYZE sources, articles");
        progress.progress(Phase.ANALYZE, 1, 1);
        connection.commit();
    }

    /**
     * Re-runs the recorded DDL with the recount (the last entry) on a connection of its own, overlapping the plain
     * index builds: both are single-threaded in PostgreSQL and CPU-bound, and together they are most of this step.
     * The locks make the overlap safe. This transaction first takes {@code articles} in SHARE mode, which waits for
     * any writer and keeps every later one out until the commit, so the recount's snapshot, taken after it, holds
     * every row there will be. SHARE is all {@code CREATE INDEX} takes, and it lets the recount read {@code articles}
     * and write the aggregate tables and {@code sources}, which this transaction has not locked, so the recount never
     * waits for it; the constraints would (ACCESS EXCLUSIVE on {@code articles}, SHARE ROW EXCLUSIVE on
     * {@code sources}), so they are built only after the recount has committed. That commit comes before this step's:
     * on a failure after it, {@link #undo} re-runs the recount on the emptied tables, as it would have anyway; if the
     * process dies instead, the record still holds the recount for the next restore. A failure here, or a listener
     * that throws, cancels a recount that has not committed and waits for it to roll back.
     */
    private void rebuildOverlapped(Connection connection, List<Rebuild> rebuilds, ProgressListener progress)
            throws SQLException {
        execute(connection, "LOCK TABLE articles IN SHARE MODE");
        List<Rebuild> indexes = new ArrayList<>();
        List<Rebuild> constraints = new ArrayList<>();
        for (Rebuild rebuild : rebuilds.subList(0, rebuilds.size() - 1)) {
            (rebuild.dropSql().startsWith("DROP INDEX ") ? indexes : constraints).add(rebuild);
        }
        int done = 0;
        try (Recount recount = new Recount(dataSource)) {
            for (Rebuild rebuild : indexes) {
                rebuild(connection, rebuild);
                progress.progress(Phase.INDEXES, ++done, rebuilds.size());
            }
            recount.await();
            execute(connection, Aggregates.RESUME);
            progress.progress(Phase.INDEXES, ++done, rebuilds.size());
            for (Rebuild rebuild : constraints) {
                rebuild(connection, rebuild);
                progress.progress(Phase.INDEXES, ++done, rebuilds.size());
            }
        }
    }

    private static void rebuild(Connection connection, Rebuild rebuild) throws SQLException {
        long start = System.nanoTime();
        execute(connection, rebuild.createSql());
        LOG.debug("rebuilt {} in {} ms", rebuild.name(), (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * After a failure in the second or third step: empties the tables again and restores the indexes, best effort.
     * What it cannot restore stays recorded for the next load or newsagg seed.
     */
    private static void undo(Connection connection, Prepared prepared) {
        try {
            rollbackQuietly(connection, new SQLException("rollback before undo"));
            settings(connection);
            execute(connection, prepared.emptySql());
            execute(connection, "SELECT setval(pg_get_serial_sequence('sources', 'id'), 1, false)");
            execute(connection, "SELECT setval(pg_get_serial_sequence('articles', 'id'), 1, false)");
            List<String> restored = restorePending(connection);
            connection.commit();
            LOG.warn("corpus load failed: emptied the tables and restored {} indexes and constraints", restored.size());
        } catch (SQLException | RuntimeException e) {
            LOG.error("corpus load failed and restoring its indexes failed too ({}); they stay recorded in "
                    + "seed_pending_ddl for the next load or newsagg seed", e.getMessage());
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

    private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    /** How to drop one index or constraint, and how to put it back. */
    private record Rebuild(String name, String dropSql, String createSql) {
    }

    /** What the first step did: how it emptied the tables, and what it dropped. */
    private record Prepared(String emptySql, List<Rebuild> rebuilds) {
    }

    /**
     * {@link Aggregates#REBUILD} in a transaction of its own on a connection of its own, committed when it succeeds
     * unless it was closed first. Closing it while it runs cancels it and waits for it to end.
     */
    private static final class Recount implements AutoCloseable {
        private final ExecutorService executor;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Statement> running = new AtomicReference<>();
        private final Future<?> result;

        Recount(DataSource dataSource) {
            executor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "corpus-recount");
                thread.setDaemon(true);
                return thread;
            });
            result = executor.submit(() -> {
                run(dataSource);
                return null;
            });
        }

        private void run(DataSource dataSource) throws SQLException {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    settings(connection);
                    running.set(statement);
                    if (stop.get()) {
                        throw new CopyStopped();
                    }
                    long start = System.nanoTime();
                    statement.execute(Aggregates.REBUILD);
                    if (stop.get()) {
                        throw new CopyStopped();
                    }
                    connection.commit();
                    LOG.debug("recounted the aggregates on a second connection in {} ms",
                            (System.nanoTime() - start) / 1_000_000);
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection, e);
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            }
        }

        /** Waits for the recount to commit, and rethrows its failure as it was thrown. */
        void await() throws SQLException {
            try {
                result.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CorpusLoadException("corpus load interrupted and undone", e);
            } catch (ExecutionException e) {
                rethrow(e.getCause());
            }
        }

        @Override
        public void close() {
            if (!result.isDone()) {
                stop.set(true);
                Statement statement = running.get();
                if (statement != null) {
                    try {
                        statement.cancel();
                    } catch (SQLException e) {
                        LOG.debug("cancelling the recount failed: {}", e.getMessage());
                    }
                }
                awaitQuietly(result, "recount");
            }
            executor.shutdownNow();
        }
    }

    /** Ends a copy or the recount early because another step failed. */
    private static final class CopyStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CopyStopped() {
            super("stopped because another step of the load failed", null, false, false);
        }
    }
}
