package newsagg.core.store;

import static newsagg.core.testing.TestData.article;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Instant;
import java.util.List;

import newsagg.core.domain.NewArticle;
import newsagg.core.query.NewsQueries.ArticleDetail;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.query.NewsQueries.ChangeMark;
import newsagg.core.testing.CoreExtension;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ArticleStoreIT {

    @RegisterExtension
    static final CoreExtension DB = new CoreExtension();

    private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

    @Test
    void sameKeyTwiceIsStoredOnce() {
        long s = source("a");

        assertThat(DB.core().articles().upsert(s, List.of(article("k", T0)))).isEqualTo(new UpsertResult(1, 0));
        DB.core().articles().upsert(s, List.of(article("k", T0)));

        assertThat(DB.core().articles().count()).isEqualTo(1);
    }

    @Test
    void unchangedRefetchIsNeitherInsertedNorUpdated() {
        long s = source("a");
        List<NewArticle> batch = List.of(article("k1", "One", "first", T0), article("k2", "Two", "second", T0));
        DB.core().articles().upsert(s, batch);
        long xminBefore = rowVersion("k1");

        assertThat(DB.core().articles().upsert(s, batch)).isEqualTo(new UpsertResult(0, 0));
        assertThat(rowVersion("k1")).as("no new row version was written").isEqualTo(xminBefore);
        assertThat(rowLocker("k1")).as("the row was not even locked: a lock writes its page and the WAL").isZero();
    }

    @Test
    void changedContentIsUpdatedInPlace() {
        long s = source("a");
        DB.core().articles().upsert(s, List.of(article("k", "Old title", "old", T0)));
        long id = onlyId();

        UpsertResult result = DB.core().articles().upsert(s, List.of(
                new NewArticle("k", "guid-k", "https://example.org/k", "New title", "new", "<p>new</p>", "Bea",
                        T0.plusSeconds(60), T0.plusSeconds(120), List.of("a", "b"))));

        assertThat(result).isEqualTo(new UpsertResult(0, 1));
        ArticleDetail stored = DB.core().queries().article(id).orElseThrow();
        assertThat(stored.title()).isEqualTo("New title");
        assertThat(stored.summary()).isEqualTo("new");
        assertThat(stored.contentHtml()).isEqualTo("<p>new</p>");
        assertThat(stored.author()).isEqualTo("Bea");
        assertThat(stored.categories()).containsExactly("a", "b");
        assertThat(stored.publishedAt()).as("publication time is kept from the first sighting").isEqualTo(T0);
    }

    @Test
    void changeInCategoriesAloneCountsAsAnUpdate() {
        long s = source("a");
        NewArticle first = article("k", T0);
        DB.core().articles().upsert(s, List.of(first));

        UpsertResult result = DB.core().articles().upsert(s, List.of(new NewArticle(first.dedupeKey(), first.guid(),
                first.url(), first.title(), first.summary(), first.contentHtml(), first.author(),
                first.publishedAt(), first.fetchedAt(), List.of("news", "more"))));

        assertThat(result).isEqualTo(new UpsertResult(0, 1));
    }

    @Test
    void duplicateKeysInOneBatchKeepTheLastOccurrence() {
        long s = source("a");

        UpsertResult result = DB.core().articles().upsert(s, List.of(
                article("k", "First", "", T0), article("other", T0), article("k", "Last", "", T0)));

        assertThat(result).isEqualTo(new UpsertResult(2, 0));
        assertThat(DB.core().queries().newest(ArticleFilter.ALL, 10, null).items())
                .extracting(item -> item.title()).containsExactlyInAnyOrder("Last", "Title other");
    }

    @Test
    void sameKeyInTwoSourcesIsTwoArticles() {
        long a = source("a");
        long b = source("b");

        DB.core().articles().upsert(a, List.of(article("k", T0)));
        DB.core().articles().upsert(b, List.of(article("k", T0)));

        assertThat(DB.core().articles().count()).isEqualTo(2);
    }

    @Test
    void mixedBatchCountsInsertsAndUpdatesSeparately() {
        long s = source("a");
        DB.core().articles().upsert(s, List.of(article("same", T0), article("changed", "Before", "", T0)));

        UpsertResult result = DB.core().articles().upsert(s, List.of(
                article("same", T0), article("changed", "After", "", T0), article("new1", T0), article("new2", T0)));

        assertThat(result).isEqualTo(new UpsertResult(2, 1));
        assertThat(DB.core().articles().count()).isEqualTo(4);
    }

    @Test
    void textWithQuotesCommasAndUnicodeRoundTrips() {
        long s = source("a");
        NewArticle odd = new NewArticle("k,\"{}", null, null, "Ünïcødé, \"quoted\" {braces} \\ back", "ø",
                "<p>日本語</p>", null, T0, T0, List.of("a,b", "\"q\"", "{}", "ü"));
        DB.core().articles().upsert(s, List.of(odd));

        ArticleDetail stored = DB.core().queries().article(onlyId()).orElseThrow();

        assertThat(stored.title()).isEqualTo(odd.title());
        assertThat(stored.contentHtml()).isEqualTo("<p>日本語</p>");
        assertThat(stored.categories()).containsExactly("a,b", "\"q\"", "{}", "ü");
        assertThat(stored.url()).isNull();
    }

    @Test
    void emptyBatchDoesNothing() {
        assertThat(DB.core().articles().upsert(source("a"), List.of())).isEqualTo(UpsertResult.NONE);
    }

    @Test
    void aStatementThatChangesNoArticleRunsNoAggregateUpkeepAndKeepsTheEpoch() {
        Boolean superuser = DB.core().jdbi().withHandle(h -> h.createQuery(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").mapTo(Boolean.class).one());
        assumeTrue(superuser, "counting function calls (track_functions) takes a superuser");
        long s = source("a");
        DB.core().articles().upsert(s, List.of(article("k", T0)));
        ChangeMark before = DB.core().queries().changeMark();

        List<Long> calls = DB.core().jdbi().inTransaction(h -> {
            h.execute("SET LOCAL track_functions = 'pl'");
            h.execute("INSERT INTO articles (source_id, dedupe_key, title, published_at, fetched_at) "
                    + "SELECT source_id, dedupe_key, title, published_at, fetched_at FROM articles WHERE false");
            h.execute("UPDATE articles SET title = title WHERE false");
            h.execute("DELETE FROM articles WHERE false");
            long idle = upkeepCalls(h);
            h.execute("UPDATE articles SET title = 'Changed' WHERE dedupe_key = 'k'");
            return List.of(idle, upkeepCalls(h));
        });

        assertThat(calls).as("upkeep calls after the three empty statements, then after a real update")
                .containsExactly(0L, 1L);
        assertThat(DB.core().queries().changeMark().epoch()).as("a delete of nothing drops no cached answer")
                .isEqualTo(before.epoch());
    }

    private static long upkeepCalls(Handle h) {
        return h.createQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions "
                + "WHERE funcname = 'newsagg_apply_deltas'").mapTo(Long.class).one();
    }

    private static long source(String name) {
        return DB.core().sources().create("https://example.org/" + name + ".xml", name, null).id();
    }

    private static long onlyId() {
        return DB.core().jdbi().withHandle(h -> h.createQuery("SELECT id FROM articles").mapTo(Long.class).one());
    }

    /** The row's xmax: 0 while no transaction has deleted, updated or locked it since it was inserted. */
    private static long rowLocker(String key) {
        return DB.core().jdbi().withHandle(h -> h.createQuery("SELECT xmax::text::bigint FROM articles WHERE dedupe_key = :k")
                .bind("k", key).mapTo(Long.class).one());
    }

    private static long rowVersion(String key) {
        return DB.core().jdbi().withHandle(h -> h.createQuery("SELECT xmin::text::bigint FROM articles WHERE dedupe_key = :k")
                .bind("k", key).mapTo(Long.class).one());
    }
}
