package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import newsagg.cache.testing.TestRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every get and put reports its own time in the cache, once, to the timer the Caches were created with. */
class CacheTimerIT {

    private final TestRedis redis = new TestRedis();
    private final ConcurrentLinkedQueue<Long> reported = new ConcurrentLinkedQueue<>();
    private final CacheTimer timer = (stage, nanos) -> {
        assertThat(stage).isEqualTo(CacheTimer.STAGE);
        reported.add(nanos);
    };

    @AfterEach
    void cleanUp() {
        redis.close();
    }

    @Test
    void eachGetReportsTheTimeItsLookupCarries() {
        Cached<String> cache = redis.caches(redis.settings(), timer).newCache("timed", Codec.utf8()).build();
        CacheKey key = cache.key().with("q", "x").build();

        Lookup<String> miss = cache.get(key, () -> "v");
        Lookup<String> hit = cache.get(key, () -> "unused");

        assertThat(hit.outcome()).isEqualTo(Outcome.HIT);
        assertThat(reported).containsExactly(miss.cacheNanos(), hit.cacheNanos());
        assertThat(hit.cacheNanos()).isPositive();
    }

    @Test
    void theLoadersTimeIsNotTheCachesTime() {
        FakeTicker ticker = new FakeTicker();
        Cached<String> cache = redis.caches(redis.settings(), timer).newCache("slow-load", Codec.utf8())
                .ticker(ticker).build();

        Lookup<String> miss = cache.get(cache.key().build(), () -> {
            ticker.advance(Duration.ofSeconds(5));
            return "v";
        });

        assertThat(miss.outcome()).isEqualTo(Outcome.MISS);
        assertThat(miss.cacheNanos()).isZero();
        assertThat(reported).containsExactly(0L);
        assertThat(cache.stats().totalLoadNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void putsReportTooAndAFailedLoadStillReportsItsRedisTime() {
        Cached<String> cache = redis.caches(redis.settings(), timer).newCache("puts", Codec.utf8()).build();
        CacheKey key = cache.key().build();

        cache.put(key, "stored");
        assertThatThrownBy(() -> cache.get(cache.key().with("q", "fails").build(), () -> {
            throw new IllegalStateException("database down");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(reported).hasSize(2).allSatisfy(nanos -> assertThat(nanos).isPositive());
        assertThat(cache.get(key, () -> "unused").value()).isEqualTo("stored");
    }

    @Test
    void aCallerThatWaitsForAnothersLoadIsChargedOnlyItsOwnCommands() throws Exception {
        Cached<String> cache = redis.caches(redis.settings(), timer).newCache("waiters", Codec.utf8()).build();
        CacheKey key = cache.key().with("q", "hot").build();
        int threads = 8;
        Stampede<Lookup<String>> stampede = new Stampede<>(threads);
        AtomicInteger loads = new AtomicInteger();

        stampede.run(i -> cache.get(key, () -> {
            loads.incrementAndGet();
            stampede.holdUntilOthersWait();
            return "v";
        }));

        assertThat(stampede.failures()).isEmpty();
        assertThat(loads).hasValue(1);
        List<Long> lookups = stampede.results().stream().map(Lookup::cacheNanos).sorted().toList();
        assertThat(reported.stream().sorted().toList()).isEqualTo(lookups);
    }

    @Test
    void aDisabledCacheReportsZeroAndABrokenRedisReportsTheFailedAttempt() {
        Cached<String> off = Caches.create(CacheSettings.disabled(), timer).newCache("off", Codec.utf8()).build();
        CacheSettings closedPort = CacheSettings.defaults(URI.create("redis://127.0.0.1:" + TestRedisServer.freePort()))
                .withNamespace(redis.namespace());
        Cached<String> broken = redis.caches(closedPort, timer).newCache("broken", Codec.utf8()).build();

        assertThat(off.get(off.key().build(), () -> "v").outcome()).isEqualTo(Outcome.BYPASS);
        Lookup<String> bypass = broken.get(broken.key().build(), () -> "v");

        assertThat(bypass.outcome()).isEqualTo(Outcome.BYPASS);
        assertThat(bypass.cacheNanos()).as("the refused connection took time").isPositive();
        assertThat(reported).containsExactly(0L, bypass.cacheNanos());
    }
}
