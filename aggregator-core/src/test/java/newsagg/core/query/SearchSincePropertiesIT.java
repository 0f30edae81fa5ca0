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
 * cursor; and a snapshot's own page is the search's. The candidate bound is 6 here, so that pushing the oldest
 * candidates out is exercised on every few articles.
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

    @Property(tries = 60)
    void aSnapshotBroughtUpToDateAnswersWhatANewSearchAnswers(@ForAll("queries") Query query,
                                                             @ForAll("batches") List<List<String>> batches,
                                                             @ForAll("ages") List<Integer> ages) {
        open();
        String cursor = query.secondPage() ? queries.search(query.text(), query.limit(), null).nextCursor() : null;
        SearchSnapshot snapshot = queries.searchSnapshot(query.text(), query.limit(), cursor);
        assertThat(snapshot.page()).isEqualTo(queries.search(query.text(), query.limit(), cursor));

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
            Optional<SearchSnapshot> next = queries.searchSince(snapshot);
            Page<SearchHit> expected = queries.search(query.text(), query.limit(), cursor);
            if (next.isPresent()) {
                assertThat(next.get().page()).as("merged after batch %d", b).isEqualTo(expected);
                assertThat(next.get().mark()).isEqualTo(queries.changeMark());
                snapshot = next.get();
            } else {
                snapshot = queries.searchSnapshot(query.text(), query.limit(), cursor);
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

    @Provide
    Arbitrary<List<Integer>> ages() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 100_000))
                .list().ofMinSize(1).ofMaxSize(6);
    }
}
