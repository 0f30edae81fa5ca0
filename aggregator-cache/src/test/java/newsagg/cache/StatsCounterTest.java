package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class StatsCounterTest {

    @Test
    void theConcurrentCounterCountsEveryKindOfEvent() {
        StatsCounter stats = new ConcurrentStatsCounter();
        stats.recordHit(false);
        stats.recordHit(true);
        stats.recordMiss();
        stats.recordLoadSuccess(300);
        stats.recordLoadFailure(200);
        stats.recordBypass();
        stats.recordRedisError();
        stats.recordInvalidation();

        assertThat(stats.snapshot("c")).isEqualTo(new CacheStats("c", 2, 1, 1, 2, 1, 1, 1, 1, 500));
    }

    @Test
    void aFailureWithTheBreakerOpenIsNotARedisError() {
        StatsCounter stats = new ConcurrentStatsCounter();
        stats.recordRedisFailure(new CacheUnavailableException("skipped", true, null));
        stats.recordRedisFailure(new CacheUnavailableException("failed", false, null));

        assertThat(stats.snapshot("c").redisErrors()).isEqualTo(1);
    }

    @Test
    void theDisabledCounterRecordsNothing() {
        StatsCounter stats = StatsCounter.disabled();
        stats.recordHit(true);
        stats.recordMiss();
        stats.recordLoadFailure(10);
        stats.recordRedisFailure(new CacheUnavailableException("failed", false, null));

        assertThat(stats.snapshot("off")).isEqualTo(new CacheStats("off", 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void aCacheBuiltWithoutStatsStillLoadsButCountsNothing() {
        try (Caches caches = Caches.disabled()) {
            Cached<String> cache = caches.newCache("quiet", Codec.utf8()).recordStats(false).build();
            AtomicInteger loads = new AtomicInteger();

            Lookup<String> lookup = cache.get(cache.key().build(), () -> "v" + loads.incrementAndGet());

            assertThat(lookup.value()).isEqualTo("v1");
            assertThat(cache.stats()).isEqualTo(new CacheStats("quiet", 0, 0, 0, 0, 0, 0, 0, 0, 0));
            assertThat(caches.stats()).containsKey("quiet");
        }
    }

    @Test
    void theStatsAwareLoaderRecordsSuccessFailureAndTheTimeEachTook() {
        FakeTicker ticker = new FakeTicker();
        StatsCounter stats = new ConcurrentStatsCounter();
        StatsAwareLoader<String> loading = new StatsAwareLoader<>("timed", stats, ticker);

        String value = loading.load(() -> {
            ticker.advance(Duration.ofMillis(30));
            return "v";
        });
        assertThatThrownBy(() -> loading.load(() -> {
            ticker.advance(Duration.ofMillis(12));
            throw new IllegalStateException("database down");
        })).isInstanceOf(IllegalStateException.class).hasMessage("database down");
        assertThatThrownBy(() -> loading.load(() -> null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("timed");

        assertThat(value).isEqualTo("v");
        CacheStats snapshot = stats.snapshot("timed");
        assertThat(snapshot.loads()).isEqualTo(3);
        assertThat(snapshot.loadFailures()).isEqualTo(2);
        assertThat(snapshot.totalLoadNanos()).isEqualTo(Duration.ofMillis(42).toNanos());
    }
}
