package newsagg.core.store;

import static newsagg.core.testing.TestData.article;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import newsagg.core.domain.FetchState;
import newsagg.core.domain.Source;
import newsagg.core.testing.CoreExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SourceStoreIT {

    @RegisterExtension
    static final CoreExtension DB = new CoreExtension();

    @Test
    void createdSourceIsFoundByIdAndFeedUrl() {
        Source created = DB.core().sources().create("https://example.org/feed.xml", "Example", "https://example.org/");

        assertThat(created.title()).isEqualTo("Example");
        assertThat(created.fetch()).isEqualTo(new FetchState(null, null, null, created.fetch().nextFetchAt(), 0, null));
        assertThat(DB.core().sources().find(created.id())).contains(created);
        assertThat(DB.core().sources().findByFeedUrl("https://example.org/feed.xml")).contains(created);
        assertThat(DB.core().sources().find(created.id() + 1000)).isEmpty();
        assertThat(DB.core().sources().findByFeedUrl("https://example.org/other.xml")).isEmpty();
    }

    @Test
    void secondSourceWithTheSameFeedUrlIsRejected() {
        DB.core().sources().create("https://example.org/feed.xml", "One", null);

        assertThatThrownBy(() -> DB.core().sources().create("https://example.org/feed.xml", "Two", null))
                .isInstanceOf(DuplicateSourceException.class).hasMessageContaining("https://example.org/feed.xml");
        assertThat(DB.core().sources().list()).extracting(Source::title).containsExactly("One");
    }

    @Test
    void listIsOrderedByTitle() {
        DB.core().sources().create("https://example.org/c.xml", "Charlie", null);
        DB.core().sources().create("https://example.org/a.xml", "Alpha", null);
        DB.core().sources().create("https://example.org/b.xml", "Bravo", null);

        assertThat(DB.core().sources().list()).extracting(Source::title).containsExactly("Alpha", "Bravo", "Charlie");
    }

    @Test
    void deleteRemovesTheSourceAndItsArticles() {
        long a = DB.core().sources().create("https://example.org/a.xml", "A", null).id();
        long b = DB.core().sources().create("https://example.org/b.xml", "B", null).id();
        Instant now = Instant.now();
        DB.core().articles().upsert(a, List.of(article("1", now), article("2", now)));
        DB.core().articles().upsert(b, List.of(article("1", now)));

        assertThat(DB.core().sources().delete(a)).isTrue();

        assertThat(DB.core().sources().find(a)).isEmpty();
        assertThat(DB.core().articles().count()).isEqualTo(1);
        assertThat(DB.core().sources().delete(a)).isFalse();
    }

    @Test
    void claimDueReturnsOnlyDueSourcesOldestFirstAndLeasesThem() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        long late = create("late", now.minus(1, ChronoUnit.HOURS));
        long later = create("later", now.minus(2, ChronoUnit.HOURS));
        create("future", now.plus(1, ChronoUnit.HOURS));
        long exact = create("exact", now);

        List<Source> claimed = DB.core().sources().claimDue(now, 10, Duration.ofMinutes(5));

        assertThat(claimed).extracting(Source::id).containsExactly(later, late, exact);
        assertThat(claimed).allSatisfy(s ->
                assertThat(s.fetch().nextFetchAt()).isEqualTo(now.plus(5, ChronoUnit.MINUTES)));
        assertThat(DB.core().sources().claimDue(now, 10, Duration.ofMinutes(5))).as("leased sources are not due").isEmpty();
        assertThat(DB.core().sources().claimDue(now.plus(6, ChronoUnit.MINUTES), 10, Duration.ofMinutes(5)))
                .as("an expired lease makes them due again").hasSize(3);
    }

    @Test
    void claimDueHonoursMax() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        for (int i = 0; i < 5; i++) {
            create("s" + i, now.minus(i, ChronoUnit.MINUTES));
        }

        assertThat(DB.core().sources().claimDue(now, 2, Duration.ofMinutes(5))).hasSize(2);
        assertThat(DB.core().sources().claimDue(now, 10, Duration.ofMinutes(5))).hasSize(3);
    }

    @Test
    void concurrentClaimersNeverGetTheSameSource() throws Exception {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        int sources = 60;
        for (int i = 0; i < sources; i++) {
            create("s" + i, now.minus(i, ChronoUnit.SECONDS));
        }
        int claimers = 4;
        CyclicBarrier start = new CyclicBarrier(claimers);
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                Callable<List<Long>> claimer = () -> {
                    start.await(10, TimeUnit.SECONDS);
                    List<Long> mine = new ArrayList<>();
                    List<Source> batch;
                    do {
                        batch = DB.core().sources().claimDue(now, 3, Duration.ofMinutes(10));
                        batch.forEach(s -> mine.add(s.id()));
                    } while (!batch.isEmpty());
                    return mine;
                };
                results.add(pool.submit(claimer));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get(30, TimeUnit.SECONDS));
            }
            Set<Long> distinct = new HashSet<>(all);
            assertThat(all).as("no source claimed twice").hasSameSizeAs(distinct);
            assertThat(distinct).hasSize(sources);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void successResetsErrorsAndFillsInOnlyMissingTitleAndSite() {
        Instant fetched = Instant.parse("2030-01-01T00:00:00Z");
        Instant next = fetched.plus(30, ChronoUnit.MINUTES);
        Source untitled = DB.core().sources().create("https://example.org/u.xml", null, null);
        Source titled = DB.core().sources().create("https://example.org/t.xml", "Given name", "https://given.example/");
        assertThat(untitled.title()).isEqualTo("https://example.org/u.xml");
        DB.core().sources().recordFailure(untitled.id(), "boom", fetched, next);

        DB.core().sources().recordSuccess(untitled.id(), "\"etag\"", "Tue, 01 Jan 2030 00:00:00 GMT", fetched, next,
                "Feed title", "https://feed.example/");
        DB.core().sources().recordSuccess(titled.id(), null, null, fetched, next, "Feed title", "https://feed.example/");

        Source u = DB.core().sources().find(untitled.id()).orElseThrow();
        assertThat(u.title()).isEqualTo("Feed title");
        assertThat(u.siteUrl()).isEqualTo("https://feed.example/");
        assertThat(u.fetch()).isEqualTo(new FetchState("\"etag\"", "Tue, 01 Jan 2030 00:00:00 GMT", fetched, next, 0,
                null));
        Source t = DB.core().sources().find(titled.id()).orElseThrow();
        assertThat(t.title()).isEqualTo("Given name");
        assertThat(t.siteUrl()).isEqualTo("https://given.example/");
    }

    @Test
    void failureIncrementsErrorCountAndTruncatesTheMessage() {
        Instant fetched = Instant.parse("2030-01-01T00:00:00Z");
        long id = DB.core().sources().create("https://example.org/f.xml", "F", null).id();

        DB.core().sources().recordFailure(id, "first", fetched, fetched.plusSeconds(60));
        DB.core().sources().recordFailure(id, "x".repeat(5000) + "\0", fetched, fetched.plusSeconds(120));

        FetchState state = DB.core().sources().find(id).orElseThrow().fetch();
        assertThat(state.errorCount()).isEqualTo(2);
        assertThat(state.lastError()).hasSize(SourceStore.ERROR_MAX_CHARS).matches("x+");
        assertThat(state.lastFetchedAt()).isEqualTo(fetched);
        assertThat(state.nextFetchAt()).isEqualTo(fetched.plusSeconds(120));
    }

    @Test
    void notModifiedKeepsValidatorsAndClearsErrors() {
        Instant fetched = Instant.parse("2030-01-01T00:00:00Z");
        long id = DB.core().sources().create("https://example.org/n.xml", "N", null).id();
        DB.core().sources().recordSuccess(id, "e1", "lm1", fetched, fetched.plusSeconds(60), null, null);
        DB.core().sources().recordFailure(id, "boom", fetched.plusSeconds(60), fetched.plusSeconds(120));

        DB.core().sources().recordNotModified(id, fetched.plusSeconds(120), fetched.plusSeconds(180));

        assertThat(DB.core().sources().find(id).orElseThrow().fetch()).isEqualTo(
                new FetchState("e1", "lm1", fetched.plusSeconds(120), fetched.plusSeconds(180), 0, null));
    }

    private static long create(String name, Instant nextFetchAt) {
        long id = DB.core().sources().create("https://example.org/" + name + ".xml", name, null).id();
        DB.core().sources().recordNotModified(id, nextFetchAt.minus(1, ChronoUnit.HOURS), nextFetchAt);
        return id;
    }
}
