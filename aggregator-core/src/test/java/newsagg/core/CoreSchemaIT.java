package newsagg.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import javax.sql.DataSource;

import newsagg.core.domain.Source;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.query.NewsQueries.ArticleItem;
import newsagg.core.query.NewsQueries.SourceSummary;
import newsagg.core.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where the core's tables live: in a schema of its own with its own Flyway history, beside a host application's
 * migrations, and moved there from newsagg 0.1's layout (everything in {@code public}) without losing a row. Each test
 * gets a database of its own, since each starts from a different layout.
 */
class CoreSchemaIT {

    private String jdbcUrl;

    @BeforeEach
    void createDatabase() {
        jdbcUrl = TestPostgres.server().createDatabase();
    }

    @AfterEach
    void dropDatabase() {
        TestPostgres.server().dropDatabase(jdbcUrl);
    }

    @Test
    void aHostWithItsOwnFlywayMigrationsEmbedsTheCoreAndBothSetsApply() {
        DataSource host = dataSource(null);
        Flyway hostFlyway = Flyway.configure().dataSource(host).locations("classpath:host/db/migration").load();
        hostFlyway.migrate();

        NewsCore core = NewsCore.open(dataSource(CoreOptions.DEFAULT_SCHEMA));
        core.sources().create("https://example.org/feed.xml", "Example", null);

        assertThat(hostFlyway.validateWithResult().validationSuccessful).as("the host's history is still its own").isTrue();
        assertThat(hostFlyway.migrate().migrationsExecuted).as("nothing left for the host to apply").isZero();
        Jdbi jdbi = Jdbi.create(host);
        assertThat(appliedVersions(jdbi, "public.flyway_schema_history")).containsExactly("1", "2");
        assertThat(appliedVersions(jdbi, "newsagg.newsagg_schema_history")).startsWith("1");
        assertThat(count(jdbi, "public.sources")).as("the host's own sources table is untouched").isZero();
        assertThat(count(jdbi, "newsagg.sources")).isEqualTo(1);
        assertThat(tablesIn(jdbi, "public")).containsExactlyInAnyOrder("flyway_schema_history", "customers", "sources", "orders");
    }

    @Test
    void aDatabaseInTheOldLayoutMovesIntoTheCoreSchemaWithEveryRow() {
        // newsagg 0.1's own call, on its migrations (V1 as today's, and the seeder's V2 of then): Flyway's defaults,
        // so the tables and flyway_schema_history land in public. 0.1 had nothing after V2, and its rows are
        // written as its SQL wrote them, since today's stores need the columns of the later migrations.
        DataSource old = dataSource(null);
        Flyway.configure().dataSource(old).locations(CoreOptions.MIGRATIONS, "classpath:newsagg-0.1/db/migration")
                .target("2").load().migrate();
        Jdbi jdbi = Jdbi.create(old);
        long sourceId = jdbi.withHandle(h -> h.createQuery(
                "INSERT INTO public.sources (title, feed_url) VALUES ('Example', 'https://example.org/feed.xml') RETURNING id")
                .mapTo(Long.class).one());
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO public.articles (source_id, dedupe_key, guid, url, title, summary, content_html, published_at,
                                             fetched_at, categories)
                VALUES (:s, 'k1', 'g1', 'https://example.org/1', 'First', 's', '<p>1</p>', '2026-11-30T12:00:00Z',
                        '2026-11-30T12:00:00Z', '{a}'),
                       (:s, 'k2', 'g2', 'https://example.org/2', 'Second', 's', '<p>2</p>', '2026-11-30T12:00:01Z',
                        '2026-11-30T12:00:00Z', '{}')""").bind("s", sourceId).execute());
        // Later migrations add columns; every row keeps the values of the columns it had.
        List<String> articleColumns = columns(jdbi, "articles");
        List<String> sourceColumns = columns(jdbi, "sources");
        List<String> articlesBefore = rows(jdbi, "public.articles", articleColumns);
        List<String> sourcesBefore = rows(jdbi, "public.sources", sourceColumns);
        List<String> historyBefore = appliedVersions(jdbi, "public.flyway_schema_history");

        NewsCore after = NewsCore.open(dataSource(CoreOptions.DEFAULT_SCHEMA));
        NewsCore.open(dataSource(CoreOptions.DEFAULT_SCHEMA)); // again: the moved history's retired V2 passes validation

        assertThat(rows(jdbi, "newsagg.articles", articleColumns)).isEqualTo(articlesBefore).hasSize(2);
        assertThat(rows(jdbi, "newsagg.sources", sourceColumns)).isEqualTo(sourcesBefore).hasSize(1);
        assertThat(historyBefore).containsExactly("1", "2");
        assertThat(appliedVersions(jdbi, "newsagg.newsagg_schema_history")).startsWith(historyBefore.toArray(String[]::new));
        assertThat(tablesIn(jdbi, "public")).isEmpty();
        assertThat(tablesIn(jdbi, "newsagg")).contains("sources", "articles", "seed_pending_ddl", "newsagg_schema_history");
        assertThat(after.queries().newest(ArticleFilter.ALL, 10, null).items()).extracting(ArticleItem::title)
                .containsExactly("Second", "First");
        assertThat(after.queries().sources()).extracting(SourceSummary::articleCount)
                .as("the maintained counts include the rows from before they were maintained").containsExactly(2L);
        Source next = after.sources().create("https://example.org/other.xml", "Other", null);
        assertThat(next.id()).as("the identity sequence moved along").isGreaterThan(sourceId);
        assertThat(after.queries().search("second", 10, null).items()).hasSize(1);
    }

    @Test
    void aDataSourceOutsideTheCoreSchemaFailsAtOpenNamingTheSchema() {
        assertThatThrownBy(() -> NewsCore.open(dataSource(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema public, not in the core's schema newsagg")
                .hasMessageContaining("currentSchema=newsagg");
    }

    @Test
    void anotherSchemaAndHistoryTableAreHonoured() {
        CoreOptions options = CoreOptions.defaults().withSchema("news_two").withHistoryTable("news_two_history");
        NewsCore core = NewsCore.open(dataSource("news_two"), options);
        core.sources().create("https://example.org/feed.xml", "Example", null);

        Jdbi jdbi = Jdbi.create(dataSource(null));
        assertThat(tablesIn(jdbi, "news_two")).contains("sources", "articles", "news_two_history");
        assertThat(tablesIn(jdbi, "newsagg")).isEmpty();
        assertThat(tablesIn(jdbi, "public")).isEmpty();
    }

    @Test
    void optionsRefuseNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> CoreOptions.defaults().withSchema("news; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
        assertThatThrownBy(() -> CoreOptions.defaults().withHistoryTable("History"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("historyTable");
    }

    /** Connections on this test's database, in {@code schema} (null: the server's default, {@code public}). */
    private DataSource dataSource(String schema) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl);
        dataSource.setUser(TestPostgres.server().user());
        dataSource.setPassword(TestPostgres.server().password());
        if (schema != null) {
            dataSource.setCurrentSchema(schema);
        }
        return dataSource;
    }

    private static List<String> appliedVersions(Jdbi jdbi, String historyTable) {
        return jdbi.withHandle(h -> h.createQuery("SELECT version FROM " + historyTable
                + " WHERE success AND version IS NOT NULL ORDER BY installed_rank").mapTo(String.class).list());
    }

    private static List<String> tablesIn(Jdbi jdbi, String schema) {
        return jdbi.withHandle(h -> h.createQuery("SELECT tablename FROM pg_tables WHERE schemaname = :schema")
                .bind("schema", schema).mapTo(String.class).list());
    }

    private static long count(Jdbi jdbi, String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
    }

    /** Every row as PostgreSQL prints it: all columns, compared by value. */
    private static List<String> rows(Jdbi jdbi, String table, List<String> columns) {
        return jdbi.withHandle(h -> h.createQuery("SELECT ROW(" + String.join(", ", columns) + ")::text FROM " + table
                + " ORDER BY id").mapTo(String.class).list());
    }

    /** The columns of a table in {@code public}, in their order. */
    private static List<String> columns(Jdbi jdbi, String table) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = :table ORDER BY ordinal_position""")
                .bind("table", table).mapTo(String.class).list());
    }
}
