package newsagg.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import newsagg.core.CoreOptions;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.store.Aggregates;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.ds.PGSimpleDataSource;

class CorpusLoaderIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    private static final CorpusSpec SPEC = new CorpusSpec(20, 5_000, 11, 7, Instant.parse("2025-03-01T12:00:00Z"));
    private static Set<String> schemaIndexes;

    @BeforeAll
    static void migrate() throws SQLException {
        NewsCore.migrate(PG.dataSource());
        schemaIndexes = indexes(PG.dataSource());
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        execute("TRUNCATE articles, sources RESTART IDENTITY CASCADE");
    }

    @Test
    void loadsTheSpecifiedCountsAndKeepsEveryIndex() throws SQLException {
        CorpusLoader.Result result = new CorpusLoader(PG.dataSource()).load(SPEC, false, ProgressListener.none());

        assertThat(result.sources()).isEqualTo(20);
        assertThat(result.articles()).isEqualTo(5_000);
        assertThat(result.indexes()).isEqualTo(8);
        assertThat(queryLong("SELECT count(*) FROM sources")).isEqualTo(20);
        assertThat(queryLong("SELECT count(*) FROM articles")).isEqualTo(5_000);
        assertThat(schemaIndexes).contains("articles_search_vector_idx", "articles_pkey", "articles_source_dedupe_key");
        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
        assertThat(queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'articles'::regclass AND contype = 'f'"))
                .isEqualTo(1);
    }

    @Test
    void populatesTheSearchVectorSoSearchFindsNewsWords() throws SQLException {
        new CorpusLoader(PG.dataSource()).load(SPEC, false, ProgressListener.none());

        assertThat(queryLong("SELECT count(*) FROM articles WHERE search_vector IS NULL OR search_vector = ''::tsvector"))
                .isZero();
        assertThat(queryLong("SELECT count(*) FROM articles WHERE search_vector @@ websearch_to_tsquery('english', 'market')"))
                .isBetween(20L, 2_500L);
    }

    @Test
    void storesExactlyWhatTheGeneratorProduced() throws SQLException {
        new CorpusLoader(PG.dataSource()).load(SPEC, false, ProgressListener.none());
        CorpusGenerator generator = new CorpusGenerator(SPEC);

        for (long number : new long[] {1, 2, 777, 4_321, 5_000}) {
            CorpusArticle expected = generator.article(number);
            NewArticle article = expected.article();
            try (Connection connection = PG.dataSource().getConnection();
                 PreparedStatement statement = connection.prepareStatement("""
                         SELECT a.id, s.feed_url, a.dedupe_key, a.url, a.title, a.summary, a.content_html, a.author,
                                a.published_at, a.fetched_at, a.categories
                         FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.guid = ?""")) {
                statement.setString(1, article.guid());
                try (ResultSet row = statement.executeQuery()) {
                    assertThat(row.next()).as("article %d by guid", number).isTrue();
                    assertThat(row.getLong("id")).isEqualTo(number);
                    assertThat(row.getString("feed_url")).isEqualTo(generator.source(expected.sourceNumber()).feedUrl());
                    assertThat(row.getString("dedupe_key")).isEqualTo(article.dedupeKey());
                    assertThat(row.getString("url")).isEqualTo(article.url());
                    assertThat(row.getString("title")).isEqualTo(article.title());
                    assertThat(row.getString("summary")).isEqualTo(article.summary());
                    assertThat(row.getString("content_html")).isEqualTo(article.contentHtml());
                    assertThat(row.getString("author")).isEqualTo(article.author());
                    assertThat(row.getTimestamp("published_at").toInstant()).isEqualTo(article.publishedAt());
                    assertThat(row.getTimestamp("fetched_at").toInstant()).isEqualTo(article.fetchedAt());
                    assertThat(Arrays.asList((String[]) row.getArray("categories").getArray()))
                            .isEqualTo(article.categories());
                }
            }
        }
        CorpusSource source = generator.source(3);
        assertThat(queryLong("SELECT count(*) FROM sources WHERE title = '" + source.title().replace("'", "''")
                + "' AND feed_url = '" + source.feedUrl() + "' AND next_fetch_at = '" + source.nextFetchAt() + "'"))
                .isEqualTo(1);
    }

    @Test
    void refusesANonEmptyDatabaseWithoutReplaceAndLeavesItUnchanged() throws SQLException {
        CorpusLoader loader = new CorpusLoader(PG.dataSource());
        loader.load(SPEC, false, ProgressListener.none());

        assertThatThrownBy(() -> loader.load(SPEC.withSeed(12).withArticles(10), false, ProgressListener.none()))
                .isInstanceOf(CorpusLoadException.class)
                .hasMessage("refusing to load the corpus: the database already has 5,000 articles and 20 sources; "
                        + "load with replace to delete them first");
        assertThat(queryLong("SELECT count(*) FROM articles")).isEqualTo(5_000);
    }

    @Test
    void replaceDeletesTheOldCorpusAndLoadsTheNewOne() throws SQLException {
        CorpusLoader loader = new CorpusLoader(PG.dataSource());
        loader.load(SPEC, false, ProgressListener.none());

        loader.load(SPEC.withSeed(12).withArticles(1_000).withSources(5), true, ProgressListener.none());

        assertThat(queryLong("SELECT count(*) FROM articles")).isEqualTo(1_000);
        assertThat(queryLong("SELECT count(*) FROM sources")).isEqualTo(5);
        assertThat(queryLong("SELECT min(id) FROM articles")).isEqualTo(1);
        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
    }

    @Test
    void aFailureMidwayRollsBackAndLeavesEveryIndexInPlace() throws SQLException {
        ProgressListener failing = (phase, done, total) -> {
            if (phase == ProgressListener.Phase.ARTICLES && done >= 2_000) {
                throw new IllegalStateException("listener gave up");
            }
        };

        assertThatThrownBy(() -> new CorpusLoader(PG.dataSource(), 500).load(SPEC, false, failing))
                .hasMessage("listener gave up");

        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
        assertThat(queryLong("SELECT count(*) FROM articles")).isZero();
        assertThat(queryLong("SELECT count(*) FROM sources")).isZero();
    }

    @Test
    void reportsProgressForEveryPhase() {
        List<String> events = new ArrayList<>();
        new CorpusLoader(PG.dataSource(), 1_000).load(SPEC, false,
                (phase, done, total) -> events.add(phase.label() + " " + done + "/" + total));

        assertThat(events).startsWith("sources 0/20", "sources 20/20", "articles 0/5000", "articles 1000/5000")
                .contains("articles 5000/5000", "indexes 0/8", "indexes 8/8").endsWith("analyze 0/1", "analyze 1/1");
    }

    @Test
    void loadsOnSeveralConnectionsWithIdsEqualToNumbersAndSequencesPastThem() throws SQLException {
        new CorpusLoader(PG.dataSource(), 700, 3).load(SPEC, false, ProgressListener.none());

        assertThat(queryLong("SELECT count(DISTINCT id) FROM articles WHERE id BETWEEN 1 AND 5000")).isEqualTo(5_000);
        assertThat(queryLong("SELECT count(*) FROM articles a JOIN sources s ON s.id = a.source_id")).isEqualTo(5_000);
        CorpusGenerator generator = new CorpusGenerator(SPEC);
        for (long number : new long[] {1, 1_667, 1_668, 3_334, 5_000}) {
            assertThat(queryLong("SELECT id FROM articles WHERE guid = '" + generator.article(number).article().guid() + "'"))
                    .as("article %d", number).isEqualTo(number);
        }
        assertThat(queryLong("SELECT id FROM sources WHERE feed_url = '" + generator.source(7).feedUrl() + "'"))
                .isEqualTo(7);
        assertThat(queryLong("INSERT INTO sources (title, feed_url) VALUES ('new', 'https://new.test/feed') RETURNING id"))
                .isEqualTo(21);
        assertThat(queryLong("""
                INSERT INTO articles (source_id, dedupe_key, title, published_at, fetched_at)
                VALUES (21, 'new', 'New', now(), now()) RETURNING id""")).isEqualTo(5_001);
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isZero();
    }

    @Test
    void reportsCombinedArticleProgressAtEveryMultipleFromTheCallingThread() {
        List<Long> articles = new ArrayList<>();
        Set<String> threads = new TreeSet<>();
        new CorpusLoader(PG.dataSource(), 1_000, 2).load(SPEC, false, (phase, done, total) -> {
            threads.add(Thread.currentThread().getName());
            if (phase == ProgressListener.Phase.ARTICLES) {
                articles.add(done);
            }
        });

        assertThat(articles).containsExactly(0L, 1_000L, 2_000L, 3_000L, 4_000L, 5_000L);
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void aFailingCopyOnOneConnectionStopsTheOthersEmptiesTheTablesAndRestoresEveryIndex() throws SQLException {
        execute("ALTER TABLE articles ADD CONSTRAINT test_refuses_4321 CHECK (id <> 4321)");
        try {
            assertThatThrownBy(() -> new CorpusLoader(PG.dataSource(), 500, 2).load(SPEC, false, ProgressListener.none()))
                    .isInstanceOf(CorpusLoadException.class)
                    .hasMessageStartingWith("corpus load failed and was undone: ")
                    .hasMessageContaining("test_refuses_4321");
        } finally {
            execute("ALTER TABLE articles DROP CONSTRAINT IF EXISTS test_refuses_4321");
        }

        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
        assertThat(queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'articles'::regclass AND contype = 'f'"))
                .isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM articles")).isZero();
        assertThat(queryLong("SELECT count(*) FROM sources")).isZero();
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isZero();
    }

    @Test
    void aRecountFailingOnItsOwnConnectionUndoesTheLoadAndLeavesNoAggregates() throws SQLException {
        // Refuses every row the load's recount writes, and none of the recount over empty tables that undoes it.
        execute("ALTER TABLE term_hours ADD CONSTRAINT test_refuses_terms CHECK (articles < 0)");
        try {
            assertThatThrownBy(() -> new CorpusLoader(PG.dataSource(), 500, 2).load(SPEC, false, ProgressListener.none()))
                    .isInstanceOf(CorpusLoadException.class)
                    .hasMessageStartingWith("corpus load failed and was undone: ")
                    .hasMessageContaining("test_refuses_terms");
        } finally {
            execute("ALTER TABLE term_hours DROP CONSTRAINT IF EXISTS test_refuses_terms");
        }

        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
        assertThat(queryLong("SELECT count(*) FROM articles")).isZero();
        assertThat(queryLong("SELECT count(*) FROM sources")).isZero();
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isZero();
        assertThat(queryLong("SELECT (SELECT count(*) FROM term_hours) + (SELECT count(*) FROM term_days) "
                + "+ (SELECT count(*) FROM source_hours) + (SELECT count(*) FROM source_days)")).isZero();
        assertThat(queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'articles'::regclass "
                + "AND NOT tgisinternal AND tgenabled = 'D'")).isZero();
    }

    @Test
    void aListenerThatThrowsWhileTheRecountRunsLeavesNoAggregatesOfTheLoad() throws SQLException {
        ProgressListener failing = (phase, done, total) -> {
            if (phase == ProgressListener.Phase.INDEXES && done == 1) {
                throw new IllegalStateException("listener gave up during the recount");
            }
        };

        assertThatThrownBy(() -> new CorpusLoader(PG.dataSource(), 500, 2).load(SPEC, false, failing))
                .hasMessage("listener gave up during the recount");

        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
        assertThat(queryLong("SELECT count(*) FROM articles")).isZero();
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isZero();
        assertThat(queryLong("SELECT (SELECT count(*) FROM term_hours) + (SELECT count(*) FROM source_hours) "
                + "+ (SELECT coalesce(sum(article_count), 0) FROM sources)")).isZero();
        assertThat(new CorpusLoader(PG.dataSource(), 500, 2).load(SPEC, false, ProgressListener.none()).articles())
                .isEqualTo(5_000);
        assertThat(queryLong("SELECT sum(article_count) FROM sources")).isEqualTo(5_000);
    }

    @Test
    void aFailedReplaceLeavesTheTablesEmptyWithEveryIndexInPlace() throws SQLException {
        CorpusLoader loader = new CorpusLoader(PG.dataSource(), 500);
        loader.load(SPEC, false, ProgressListener.none());
        ProgressListener failing = (phase, done, total) -> {
            if (phase == ProgressListener.Phase.INDEXES && done >= 3) {
                throw new IllegalStateException("listener gave up while rebuilding");
            }
        };

        assertThatThrownBy(() -> loader.load(SPEC.withSeed(12), true, failing))
                .hasMessage("listener gave up while rebuilding");

        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
        assertThat(queryLong("SELECT count(*) FROM articles")).isZero();
        assertThat(queryLong("SELECT count(*) FROM sources")).isZero();
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isZero();
        assertThat(loader.load(SPEC, false, ProgressListener.none()).articles()).isEqualTo(5_000);
        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
    }

    @Test
    void aLoadWhoseSessionsDieLeavesItsDdlRecordedAndRestoreBringsBackExactlyTheSchema() throws SQLException {
        PGSimpleDataSource doomed = new PGSimpleDataSource();
        doomed.setURL(PG.jdbcUrl());
        doomed.setUser(PG.user());
        doomed.setPassword(PG.password());
        doomed.setApplicationName("doomed-loader");
        doomed.setCurrentSchema(CoreOptions.DEFAULT_SCHEMA);
        ProgressListener killer = (phase, done, total) -> {
            if (phase == ProgressListener.Phase.ARTICLES && done >= 2_000) {
                try {
                    queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            + "WHERE application_name = 'doomed-loader'");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };

        assertThatThrownBy(() -> new CorpusLoader(doomed, 500, 2).load(SPEC, false, killer))
                .isInstanceOf(CorpusLoadException.class);
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isEqualTo(8);
        assertThat(indexes(PG.dataSource())).doesNotContain("articles_pkey", "articles_search_vector_idx");

        List<String> restored = CorpusLoader.restorePendingIndexes(PG.dataSource());

        assertThat(restored).hasSize(8).last().isEqualTo(Aggregates.RESUME_AND_REBUILD);
        assertThat(restored.get(6)).contains("FOREIGN KEY (source_id) REFERENCES sources(id)");
        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
        assertThat(queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'articles'::regclass AND contype = 'f'"))
                .isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isZero();
        assertThat(CorpusLoader.restorePendingIndexes(PG.dataSource())).isEmpty();
    }

    @Test
    void theNextLoadFirstRestoresWhatAKilledLoadLeftDropped() throws SQLException {
        int recorded = simulateKilledLoad();
        assertThat(indexes(PG.dataSource())).isNotEqualTo(schemaIndexes);

        CorpusLoader.Result result = new CorpusLoader(PG.dataSource()).load(SPEC, false, ProgressListener.none());

        assertThat(recorded).isEqualTo(7);
        assertThat(result.indexes()).isEqualTo(8);
        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
        assertThat(queryLong("SELECT count(*) FROM pg_constraint WHERE conrelid = 'articles'::regclass AND contype = 'f'"))
                .isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isZero();
    }

    @Test
    void restoreLeavesTheRecordToALoadThatIsStillRunning() throws SQLException {
        simulateKilledLoad();
        try (Connection running = PG.dataSource().getConnection()) {
            execute(running, "SELECT pg_advisory_lock(" + CorpusLoader.LOAD_LOCK + ")");
            try {
                assertThat(CorpusLoader.restorePendingIndexes(PG.dataSource())).isEmpty();
                assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isEqualTo(7);
            } finally {
                execute(running, "SELECT pg_advisory_unlock(" + CorpusLoader.LOAD_LOCK + ")");
            }
        }

        assertThat(CorpusLoader.restorePendingIndexes(PG.dataSource())).hasSize(7);
        assertThat(indexes(PG.dataSource())).isEqualTo(schemaIndexes);
    }

    @Test
    void rejectsAParallelismBelowOne() {
        assertThatThrownBy(() -> new CorpusLoader(PG.dataSource(), 10, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parallelism must be at least 1, got 0");
    }

    @Test
    void copyEscapingRoundTripsThroughPostgres() throws SQLException {
        List<String> nasty = List.of("tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "quote\"d",
                "{braces}", "a,b", "NULL", "", " spaced ", "ünïcödé ✓");
        StringBuilder buffer = new StringBuilder();
        CopyText row = new CopyText(buffer);
        for (String value : nasty) {
            row.text(value).textArray(List.of(value, "x" + value)).endRow();
        }
        try (Connection connection = PG.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            execute(connection, "CREATE TEMP TABLE roundtrip (n serial, t text, a text[]) ON COMMIT DROP");
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY roundtrip (t, a) FROM STDIN");
            byte[] bytes = buffer.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
            List<String> texts = new ArrayList<>();
            List<List<String>> arrays = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT t, a FROM roundtrip ORDER BY n")) {
                while (rows.next()) {
                    texts.add(rows.getString(1));
                    arrays.add(Arrays.asList((String[]) rows.getArray(2).getArray()));
                }
            }
            connection.rollback();

            assertThat(texts).isEqualTo(nasty);
            assertThat(arrays).isEqualTo(nasty.stream().map(value -> List.of(value, "x" + value)).toList());
        }
    }

    /**
     * Leaves the state a load killed after committing its drops leaves: every index and constraint of articles
     * dropped, and the DDL to restore them recorded. Written independently of the loader's own query.
     */
    static int simulateKilledLoad() throws SQLException {
        return simulateKilledLoad(PG.dataSource());
    }

    static int simulateKilledLoad(DataSource dataSource) throws SQLException {
        // A killed load ran after the seeder's own migration, whichever test simulates it first.
        SeedSchema.migrate(dataSource);
        List<String[]> dropAndCreate = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("""
                         SELECT 'ALTER TABLE articles DROP CONSTRAINT ' || conname,
                                'ALTER TABLE articles ADD CONSTRAINT ' || conname || ' ' || pg_get_constraintdef(oid),
                                CASE contype WHEN 'f' THEN 3 ELSE 1 END AS step, conname AS name
                         FROM pg_constraint WHERE conrelid = 'articles'::regclass AND contype IN ('p', 'u', 'f')
                         UNION ALL
                         SELECT 'DROP INDEX ' || indexname, indexdef, 2, indexname
                         FROM pg_indexes WHERE tablename = 'articles' AND indexname NOT IN
                               (SELECT conname FROM pg_constraint WHERE conrelid = 'articles'::regclass)
                         ORDER BY step, name""")) {
                while (rows.next()) {
                    dropAndCreate.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO seed_pending_ddl (position, ddl) VALUES (?, ?)")) {
                for (int i = 0; i < dropAndCreate.size(); i++) {
                    record.setInt(1, i + 1);
                    record.setString(2, dropAndCreate.get(i)[1]);
                    record.executeUpdate();
                }
            }
            for (String[] ddl : dropAndCreate) {
                execute(connection, ddl[0]);
            }
            connection.commit();
        }
        return dropAndCreate.size();
    }

    private static Set<String> indexes(DataSource dataSource) throws SQLException {
        Set<String> indexes = new TreeSet<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('articles', 'sources')")) {
            while (rows.next()) {
                indexes.add(rows.getString(1));
                indexes.add(rows.getString(2));
            }
        }
        return indexes;
    }

    private static long queryLong(String sql) throws SQLException {
        return queryLong(PG.dataSource(), sql);
    }

    static long queryLong(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = PG.dataSource().getConnection()) {
            execute(connection, sql);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
