package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import newsagg.cache.CacheKey;
import newsagg.core.testing.Poll;
import newsagg.http.Revalidations.Outcome;
import org.junit.jupiter.api.Test;

class RevalidationsTest {

    private static final CacheKey TRENDING = CacheKey.of("trending").with("hours", 24).build();
    private static final CacheKey SOURCES = CacheKey.of("sources").build();
    private static final CacheKey SEARCH = CacheKey.of("search").with("q", "storm").build();

    @Test
    void eachRefreshAskedForIsCountedByItsCacheAndWhatBecameOfIt() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(2);
        try (Revalidations revalidations = new Revalidations(1, 1)) {
            revalidations.submit(TRENDING, () -> {
                running.countDown();
                await(release);
                finished.countDown();
            });
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            revalidations.submit(TRENDING, () -> { });
            revalidations.submit(SOURCES, () -> {
                finished.countDown();
                throw new IllegalStateException("database unavailable");
            });
            revalidations.submit(SEARCH, () -> { });
            release.countDown();
            assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();

            Map<String, Map<Outcome, Long>> counts = awaitCounted(revalidations, 4);
            assertThat(counts.get("trending")).containsEntry(Outcome.DONE, 1L).containsEntry(Outcome.COALESCED, 1L)
                    .containsEntry(Outcome.DROPPED, 0L).containsEntry(Outcome.FAILED, 0L);
            assertThat(counts.get("sources")).as("queued behind the running one, then it threw")
                    .containsEntry(Outcome.FAILED, 1L).containsEntry(Outcome.DONE, 0L);
            assertThat(counts.get("search")).as("one thread busy and the one queue place taken")
                    .containsEntry(Outcome.DROPPED, 1L).containsEntry(Outcome.DONE, 0L);
        }
    }

    @Test
    void aDroppedRefreshDoesNotBlockTheNextOneForItsKey() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);
        try (Revalidations revalidations = new Revalidations(1, 1)) {
            revalidations.submit(TRENDING, () -> await(release));
            revalidations.submit(SOURCES, () -> { });
            revalidations.submit(SEARCH, () -> { });
            release.countDown();
            assertThat(awaitCounted(revalidations, 3).get("search")).containsEntry(Outcome.DROPPED, 1L);

            revalidations.submit(SEARCH, ran::countDown);
            assertThat(ran.await(5, TimeUnit.SECONDS)).as("the dropped key was no longer pending").isTrue();
        }
    }

    /** The counts once {@code outcomes} refreshes in all have an outcome; a refresh is counted after it ran. */
    private static Map<String, Map<Outcome, Long>> awaitCounted(Revalidations revalidations, long outcomes) {
        assertThat(Poll.until(revalidations::counts, counts -> total(counts) >= outcomes, Duration.ofSeconds(5)))
                .as("%d refreshes counted within 5 s", outcomes).isTrue();
        Map<String, Map<Outcome, Long>> counts = revalidations.counts();
        assertThat(total(counts)).isEqualTo(outcomes);
        return counts;
    }

    private static long total(Map<String, Map<Outcome, Long>> counts) {
        return counts.values().stream().flatMap(byOutcome -> byOutcome.values().stream()).mapToLong(Long::longValue).sum();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
