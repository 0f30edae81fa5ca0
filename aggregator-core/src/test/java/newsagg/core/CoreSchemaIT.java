package newsagg.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import newsagg.core.domain.NewArticle;
import newsagg.core.domain.Source;
import newsagg.core.query.ArticleFilter;
import newsagg.core.query.ArticleItem;
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
        // so the tables and flyway_schema_history land in public.
        DataSource old = dataSource(null);
        Flyway.configure().dataSource(old).locations(CoreOptions.MIGRATIONS, "classpath:newsagg-0.1/db/migration")
                .load().migrate();
        NewsCore before = NewsCore.open(old, new CoreOptions("public", "flyway_schema_history"));
        Source source = before.sources().create("https://example.org/feed.xml", "Example", null);
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        before.articles().upsert(source.id(), List.of(
                new NewArticle("k1", "g1", "https://example.org/1", "First", "s", "<p>1</p>", null, now, now, List.of("a")),
                new NewArticle("k2", "g2", "https://example.org/2", "Second", "s", "<p>2</p>", null, now.plusSeconds(1), now,
                        List.of())));
        Jdbi jdbi = Jdbi.create(old);
        List<String> articlesBefore = rows(jdbi, "public.articles");
        List<String> sourcesBefore = rows(jdbi, "public.sources");
        List<String> historyBefore = appliedVersions(jdbi, "public.flyway_schema_history");

        NewsCore after = NewsCore.open(dataSource(CoreOptions.DEFAULT_SCHEMA));
        NewsCore.open(dataSource(CoreOptions.DEFAULT_SCHEMA)); // again: the moved history's retired V2 passes validation

        assertThat(rows(jdbi, "newsagg.articles")).isEqualTo(articlesBefore).hasSize(2);
        assertThat(rows(jdbi, "newsagg.sources")).isEqualTo(sourcesBefore).hasSize(1);
        assertThat(historyBefore).containsExactly("1", "2");
        assertThat(appliedVersions(jdbi, "newsagg.newsagg_schema_history")).startsWith(historyBefore.toArray(String[]::new));
        assertThat(tablesIn(jdbi, "public")).isEmpty();
        assertThat(tablesIn(jdbi, "newsagg")).contains("sources", "articles", "seed_pending_ddl", "newsagg_schema_history");
        assertThat(after.queries().newest(ArticleFilter.ALL, 10, null).items()).extracting(ArticleItem::title)
                .containsExactly("Second", "First");
        Source next = after.sources().create("https://example.org/other.xml", "Other", null);
        assertThat(next.id()).as("the identity sequence moved along").isGreaterThan(source.id());
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
    private static List<String> rows(Jdbi jdbi, String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT t::text FROM " + table + " t ORDER BY id").mapTo(String.class).list());
    }
}
