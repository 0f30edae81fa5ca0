package newsagg.core.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.query.NewsQueries.Page;
import newsagg.core.query.NewsQueries.SearchHit;
import newsagg.core.query.NewsQueries.SearchSnapshot;
import newsagg.core.testing.TestPostgres;

/**
 * Property: a search snapshot brought up to date with {@link JdbiNewsQueries#searchSince} answers exactly what a new
 * search answers, after any sequence of inserts (new and back-dated articles alike), whatever the query, page and
 * cursor, and however many hits the snapshot keeps beyond its page; and a snapshot's own page is the search's. The
 * candidate bound is 6 here, so that pushing the oldest candidates out, kept hits among them, is exercised on every
 * few articles.
 */
class SearchSincePropertiesIT {

    private static final String[] WORDS = {"storm", "market", "vote", "court", "oil", "rain"};
    private static final int BOUND = 6;

    private static String jdbcUrl;
    private static HikariDataSource dataSource;
    private static NewsCore core;
    private static JdbiNewsQueries queries;
    private static long source;

    private static synchronized void open() {
        if (core != null) {
            return;
        }
        jdbcUrl = TestPostgres.server().createDatabase();
        dataSource = TestPostgres.server().pool(jdbcUrl, 4, "test-search-since");
        core = NewsCore.open(dataSource);
        queries = new JdbiNewsQueries(core.jdbi(), BOUND);
        source = core.sources().create("https://example.org/p.xml", "P", null).id();
    }

    @AfterContainer
    static void close() {
        if (dataSource != null) {
            dataSource.close();
            TestPostgres.server().dropDatabase(jdbcUrl);
        }
    }

    record Query(String text, int limit, boolean secondPage) {
    }

    @Provide
    Arbitrary<Query> queries() {
        Arbitrary<String> word = Arbitraries.of(WORDS);
        Arbitrary<String> text = Arbitraries.oneOf(word, Combinators.combine(word, word).as((a, b) -> a + " " + b),
                Combinators.combine(word, word).as((a, b) -> a + " or " + b),
                Combinators.combine(word, word).as((a, b) -> "\"" + a + " " + b + "\""),
                Combinators.combine(word, word).as((a, b) -> a + " -" + b));
        return Combinators.combine(text, Arbitraries.integers().between(1, 4), Arbitraries.of(true, false))
                .as(Query::new);
    }

    @Provide
    Arbitrary<List<List<String>>> batches() {
        Arbitrary<String> title = Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(4).map(w -> String.join(" ", w));
        return title.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(5);
    }

    @Property(tries = 150)
    void aSnapshotBroughtUpToDateAnswersWhatANewSearchAnswers(@ForAll("queries") Query query,
                                                             @ForAll("batches") List<List<String>> batches,
                                                             @ForAll("ages") List<Integer> ages,
                                                             @ForAll @IntRange(min = 0, max = 3) int margin) {
        open();
        JdbiNewsQueries kept = new JdbiNewsQueries(core.jdbi(), BOUND, margin);
        JdbiNewsQueries everyCandidate = new JdbiNewsQueries(core.jdbi(), BOUND, BOUND);
        String cursor = query.secondPage() ? kept.search(query.text(), query.limit(), null).nextCursor() : null;
        SearchSnapshot snapshot = kept.searchSnapshot(query.text(), query.limit(), cursor);
        assertThat(snapshot.page()).isEqualTo(kept.search(query.text(), query.limit(), cursor));

        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (int b = 0; b < batches.size(); b++) {
            List<NewArticle> batch = new ArrayList<>();
            for (String title : batches.get(b)) {
                String key = Long.toHexString(System.nanoTime()) + "-" + batch.size();
                // Mostly new articles, some published long before the others, which may not be candidates at all.
                Instant at = now.minus(ages.get((b + batch.size()) % ages.size()), ChronoUnit.MINUTES)
                        .minus(batch.size(), ChronoUnit.MICROS);
                batch.add(new NewArticle(key, null, null, title, "", "", null, at, now, List.of()));
            }
            core.articles().upsert(source, batch);
            Optional<SearchSnapshot> next = kept.searchSince(snapshot);
            Page<SearchHit> expected = kept.search(query.text(), query.limit(), cursor);
            if (next.isPresent()) {
                assertThat(next.get().page()).as("merged after batch %d", b).isEqualTo(expected);
                assertThat(next.get().mark()).isEqualTo(kept.changeMark());
                // The hits beyond the page are what later merges stand on: the best ones, all of them when complete.
                List<SearchSnapshot.RankedHit> all = everyCandidate.searchSnapshot(query.text(), query.limit(), cursor)
                        .hits();
                assertThat(all).as("hits after batch %d", b).startsWith(next.get().hits()
                        .toArray(SearchSnapshot.RankedHit[]::new));
                if (next.get().complete()) {
                    assertThat(next.get().hits()).as("complete after batch %d", b).isEqualTo(all);
                }
                snapshot = next.get();
            } else {
                snapshot = kept.searchSnapshot(query.text(), query.limit(), cursor);
                assertThat(snapshot.page()).isEqualTo(expected);
            }
        }
    }

    @Example
    void aNewMatchIsMergedAndPushesTheOldestCandidateOut() {
        open();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<NewArticle> batch = new ArrayList<>();
        // Older articles get lower ids (the batch is stored in key order), so the oldest candidate is no hit.
        for (int i = 0; i < BOUND + 2; i++) {
            batch.add(new NewArticle("full-" + now + "-" + i, null, null, "hail warning " + i, "", "", null,
                    now.minus(BOUND + 2 - i, ChronoUnit.HOURS), now, List.of()));
        }
        core.articles().upsert(source, batch);
        SearchSnapshot before = queries.searchSnapshot("hail", 2, null);
        assertThat(before.candidates()).isEqualTo(BOUND);

        core.articles().upsert(source, List.of(new NewArticle("full-" + now + "-new", null, null, "hail hail hail", "",
                "", null, now, now, List.of())));
        Optional<SearchSnapshot> after = queries.searchSince(before);

        assertThat(after).isPresent();
        assertThat(after.get().page()).isEqualTo(queries.search("hail", 2, null));
        assertThat(after.get().page().items().get(0).title()).isEqualTo("hail hail hail");
        assertThat(after.get().oldestAt()).isEqualTo(now.minus(BOUND - 1, ChronoUnit.HOURS));
    }

    /**
     * {@link #BOUND} matches of {@code word}: the oldest is the best, the others tie, and the newest of them (the
     * highest ids) rank next.
     */
    private static void storeBestOldestAndTies(String word, Instant now) {
        List<NewArticle> batch = new ArrayList<>();
        batch.add(new NewArticle(word + "-" + now + "-old", null, null, word + " " + word + " " + word, "", "", null,
                now.minus(BOUND + 1, ChronoUnit.HOURS), now, List.of()));
        for (int i = 1; i < BOUND; i++) {
            batch.add(new NewArticle(word + "-" + now + "-" + i, null, null, word + " warning " + i, "", "", null,
                    now.minus(BOUND + 1 - i, ChronoUnit.HOURS), now, List.of()));
        }
        core.articles().upsert(source, batch);
    }

    @Example
    void aKeptHitPushedOutIsDroppedWhileTheMarginLasts() {
        open();
        JdbiNewsQueries margined = new JdbiNewsQueries(core.jdbi(), BOUND, 1);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        storeBestOldestAndTies("gale", now);
        SearchSnapshot before = margined.searchSnapshot("gale", 1, null);
        assertThat(before.candidates()).isEqualTo(BOUND);
        assertThat(before.complete()).isFalse();
        assertThat(before.hits()).hasSize(3);
        assertThat(before.hits().get(0).hit().title()).isEqualTo("gale gale gale");

        core.articles().upsert(source, List.of(new NewArticle("gale-" + now + "-new", null, null, "gale again", "", "",
                null, now, now, List.of())));
        Optional<SearchSnapshot> after = margined.searchSince(before);

        assertThat(after).as("the pushed-out best hit is dropped, and the margin still holds the page").isPresent();
        assertThat(after.get().page()).isEqualTo(margined.search("gale", 1, null));
        assertThat(after.get().hits()).extracting(h -> h.hit().title()).doesNotContain("gale gale gale")
                .startsWith("gale again");
    }

    @Example
    void aSnapshotSearchesAgainOnceThePushedOutHitsLeaveTooFewForThePage() {
        open();
        JdbiNewsQueries unmargined = new JdbiNewsQueries(core.jdbi(), BOUND, 0);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        storeBestOldestAndTies("sleet", now);
        SearchSnapshot before = unmargined.searchSnapshot("sleet", 1, null);
        assertThat(before.hits()).hasSize(2);

        // Matched in its summary only (weight B), the new article ranks below both kept hits: it cannot replace the
        // one it pushes out, and the page's second row is then unknown.
        core.articles().upsert(source, List.of(new NewArticle("sleet-" + now + "-new", null, null, "weather", "sleet",
                "", null, now, now, List.of())));

        assertThat(unmargined.searchSince(before)).isEmpty();
    }

    @Example
    void aCompleteSnapshotThatOutgrowsWhatItKeepsIsNoLongerComplete() {
        open();
        JdbiNewsQueries unmargined = new JdbiNewsQueries(core.jdbi(), BOUND, 0);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        core.articles().upsert(source, List.of(new NewArticle("frost-" + now + "-0", null, null, "frost", "", "", null,
                now.minus(1, ChronoUnit.HOURS), now, List.of())));
        SearchSnapshot before = unmargined.searchSnapshot("frost", 1, null);
        assertThat(before.complete()).isTrue();

        core.articles().upsert(source, List.of(
                new NewArticle("frost-" + now + "-1", null, null, "frost frost", "", "", null, now, now, List.of()),
                new NewArticle("frost-" + now + "-2", null, null, "frost frost frost", "", "", null, now, now,
                        List.of())));
        SearchSnapshot after = unmargined.searchSince(before).orElseThrow();

        assertThat(after.hits()).extracting(h -> h.hit().title()).containsExactly("frost frost frost", "frost frost");
        assertThat(after.complete()).as("the worst match was dropped, so a later merge may not rely on all").isFalse();
        assertThat(after.page()).isEqualTo(unmargined.search("frost", 1, null));
    }

    @Provide
    Arbitrary<List<Integer>> ages() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 100_000))
                .list().ofMinSize(1).ofMaxSize(6);
    }
}
