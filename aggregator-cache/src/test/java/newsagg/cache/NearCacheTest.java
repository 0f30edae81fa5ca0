package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class NearCacheTest {

    private final FakeTicker ticker = new FakeTicker();

    @Test
    void returnsAValueUntilItsTtlHasPassed() {
        NearCache<String> near = new NearCache<>(Duration.ofSeconds(2).toNanos(), 10, ticker);
        near.put("k", "v");
        ticker.advance(Duration.ofMillis(1999));
        assertThat(near.get("k")).isEqualTo("v");
        ticker.advance(Duration.ofMillis(1));
        assertThat(near.get("k")).isNull();
        assertThat(near.size()).isZero();
    }

    @Test
    void neverHoldsMoreThanItsBound() {
        NearCache<Integer> near = new NearCache<>(Duration.ofSeconds(2).toNanos(), 5, ticker);
        for (int i = 0; i < 100; i++) {
            near.put("k" + i, i);
            assertThat(near.size()).isLessThanOrEqualTo(5);
        }
        assertThat(near.get("k99")).isEqualTo(99);
    }

    @Test
    void dropsExpiredEntriesBeforeLiveOnesWhenFull() {
        NearCache<Integer> near = new NearCache<>(Duration.ofSeconds(2).toNanos(), 3, ticker);
        near.put("old1", 1);
        near.put("old2", 2);
        ticker.advance(Duration.ofSeconds(1));
        near.put("live", 3);
        ticker.advance(Duration.ofMillis(1500));
        near.put("new", 4);
        assertThat(near.get("live")).isEqualTo(3);
        assertThat(near.get("new")).isEqualTo(4);
    }
}
