package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import newsagg.cache.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachedIT {

    private final TestRedis redis = new TestRedis();
    private final Caches caches = redis.caches();

    @AfterEach
    void cleanUp() {
        redis.close();
    }

    @Test
    void firstGetMissesAndLoadsThenTheNextOneHits() {
        Cached<String> cache = caches.newCache("latest", Codec.utf8()).build();
        CacheKey key = cache.key().with("limit", 20).build();
        AtomicInteger loads = new AtomicInteger();

        Lookup<String> first = cache.get(key, () -> "v" + loads.incrementAndGet());
        Lookup<String> second = cache.get(key, () -> "v" + loads.incrementAndGet());

        assertThat(first.value()).isEqualTo("v1");
        assertThat(first.outcome()).isEqualTo(Outcome.MISS);
        assertThat(second.value()).isEqualTo("v1");
        assertThat(second.outcome()).isEqualTo(Outcome.HIT);
        assertThat(second.cacheNanos()).isPositive();
        CacheStats stats = cache.stats();
        assertThat(stats.hits()).isEqualTo(1);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.loads()).isEqualTo(1);
        assertThat(stats.redisErrors()).isZero();
        assertThat(stats.bypasses()).isZero();
        assertThat(stats.hitRatio()).isEqualTo(0.5);
        assertThat(caches.stats()).containsOnlyKeys("latest");
    }

    @Test
    void bytesAreStoredAndServedAsTheyAre() {
        Cached<byte[]> cache = caches.newCache("page", Codec.bytes()).build();
        CacheKey key = cache.key().with("id", 1).build();
        byte[] json = "{\"items\":[\"ä\"]}".getBytes(StandardCharsets.UTF_8);

        cache.get(key, () -> json);
        Lookup<byte[]> hit = cache.get(key, () -> new byte[0]);

        assertThat(hit.outcome()).isEqualTo(Outcome.HIT);
        assertThat(hit.value()).isEqualTo(json);
        assertThat(redis.client().get(RedisStore.utf8(redis.rendered(key)))).isEqualTo(json);
    }

    @Test
    void differentParametersAreDifferentEntries() {
        Cached<String> cache = caches.newCache("search", Codec.utf8()).build();
        cache.get(cache.key().with("q", "rust").build(), () -> "rust results");
        Lookup<String> other = cache.get(cache.key().with("q", "java").build(), () -> "java results");
        assertThat(other.outcome()).isEqualTo(Outcome.MISS);
        assertThat(other.value()).isEqualTo("java results");
    }

    @Test
    void entryExpiresAfterItsTtl() {
        Cached<String> cache = caches.newCache("short", Codec.utf8()).ttl(Duration.ofMillis(300)).jitter(0).build();
        CacheKey key = cache.key().build();
        String redisKey = redis.rendered(key);

        cache.get(key, () -> "v");
        assertThat(redis.exists(redisKey)).isTrue();

        assertThat(Poll.until(() -> !redis.exists(redisKey), Duration.ofSeconds(5))).isTrue();
        Lookup<String> after = cache.get(key, () -> "reloaded");
        assertThat(after.outcome()).isEqualTo(Outcome.MISS);
        assertThat(after.value()).isEqualTo("reloaded");
        assertThat(cache.stats().loads()).isEqualTo(2);
    }

    @Test
    void storedTtlsStayWithinTheJitterBounds() {
        Cached<String> cache = caches.newCache("jittered", Codec.utf8())
                .ttl(Duration.ofSeconds(100)).jitter(0.1).build();
        Set<Long> ttls = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            CacheKey key = cache.key().with("i", i).build();
            cache.get(key, () -> "v");
            long pttl = redis.pttl(redis.rendered(key));
            // PTTL only shrinks after the SET, so allow some seconds below the lower bound for a slow machine.
            assertThat(pttl).isBetween(85_000L, 110_000L);
            ttls.add(pttl / 100);
        }
        assertThat(ttls).as("jitter spreads the TTLs").hasSizeGreaterThan(5);
    }

    @Test
    void emptyResultsGetTheShorterTtl() {
        Cached<String> cache = caches.newCache("maybe-empty", Codec.utf8())
                .ttl(Duration.ofSeconds(60)).emptyTtl(Duration.ofSeconds(2), String::isEmpty).build();
        CacheKey empty = cache.key().with("q", "nothing").build();
        CacheKey full = cache.key().with("q", "something").build();

        cache.get(empty, () -> "");
        cache.get(full, () -> "[1,2,3]");

        assertThat(redis.pttl(redis.rendered(empty))).isBetween(1L, 2_200L);
        assertThat(redis.pttl(redis.rendered(full))).isGreaterThan(50_000L);
        assertThat(cache.get(empty, () -> "loaded again").value()).isEmpty();
    }

    @Test
    void hostileParameterValuesAreStoredUnderShortSafeKeys() {
        Cached<String> cache = caches.newCache("search", Codec.utf8()).build();
        redis.client().set(redis.namespace() + ":sentinel", "still here");

        List<String> hostile = List.of("\r\nFLUSHALL\r\n", "*", "a".repeat(10_240), "x:y z");
        for (String value : hostile) {
            CacheKey key = cache.key().with("q", value).build();
            assertThat(cache.get(key, () -> "r").outcome()).isEqualTo(Outcome.MISS);
            assertThat(cache.get(key, () -> "other").value()).isEqualTo("r");
        }

        assertThat(redis.client().get(redis.namespace() + ":sentinel")).isEqualTo("still here");
        // The entries, the sentinel and the scope's generation, which the first get started.
        assertThat(redis.keys()).hasSize(hostile.size() + 2)
                .allSatisfy(key -> assertThat(key).hasSizeLessThan(120).matches("[A-Za-z0-9._=&,:-]+"));
    }

    @Test
    void concurrentMissesOnOneKeyMakeExactlyOneLoad() throws Exception {
        int threads = 32;
        Cached<String> cache = caches.newCache("flight", Codec.utf8()).build();
        CacheKey key = cache.key().with("q", "hot").build();
        Stampede<Lookup<String>> stampede = new Stampede<>(threads);
        AtomicInteger loads = new AtomicInteger();
        Loader<String> loader = () -> {
            loads.incrementAndGet();
            stampede.holdUntilOthersWait();
            return "value";
        };

        stampede.run(i -> cache.get(key, loader));

        assertThat(stampede.failures()).isEmpty();
        assertThat(loads).hasValue(1);
        assertThat(stampede.results()).hasSize(threads).allSatisfy(result -> {
            assertThat(result.value()).isEqualTo("value");
            assertThat(result.outcome()).isEqualTo(Outcome.MISS);
        });
        assertThat(cache.stats().loads()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(threads);
    }

    @Test
    void loadFailureReachesEveryWaiterAndIsNotCached() throws Exception {
        int threads = 8;
        Cached<String> cache = caches.newCache("failing", Codec.utf8()).build();
        CacheKey key = cache.key().build();
        Stampede<Lookup<String>> stampede = new Stampede<>(threads);
        Loader<String> failing = () -> {
            stampede.holdUntilOthersWait();
            throw new IllegalStateException("database down");
        };

        stampede.run(i -> cache.get(key, failing));

        assertThat(stampede.results()).isEmpty();
        assertThat(stampede.failures()).hasSize(threads).allSatisfy(failure -> assertThat(failure)
                .isInstanceOf(IllegalStateException.class).hasMessage("database down"));
        assertThat(cache.stats().loads()).isEqualTo(1);
        assertThat(cache.stats().loadFailures()).isEqualTo(1);
        Lookup<String> next = cache.get(key, () -> "recovered");
        assertThat(next.outcome()).isEqualTo(Outcome.MISS);
        assertThat(next.value()).isEqualTo("recovered");
    }

    @Test
    void loaderReturningNullIsAnError() {
        Cached<String> cache = caches.newCache("nulls", Codec.utf8()).build();
        assertThatThrownBy(() -> cache.get(cache.key().build(), () -> null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("nulls");
        assertThat(cache.stats().loadFailures()).isEqualTo(1);
    }

    @Test
    void unreadableEntryIsAMissAndIsOverwritten() {
        Cached<Integer> cache = caches.newCache("numbers", new Codec<Integer>() {
            @Override
            public byte[] encode(Integer value) {
                return value.toString().getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public Integer decode(byte[] bytes) {
                return Integer.valueOf(new String(bytes, StandardCharsets.US_ASCII));
            }
        }).build();
        CacheKey key = cache.key().build();
        redis.client().set(redis.rendered(key), "not a number");

        Lookup<Integer> lookup = cache.get(key, () -> 42);

        assertThat(lookup.outcome()).isEqualTo(Outcome.MISS);
        assertThat(cache.get(key, () -> 0).value()).isEqualTo(42);
    }

    @Test
    void keyOfAnotherCacheIsRejected() {
        Cached<String> cache = caches.newCache("latest", Codec.utf8()).build();
        assertThatThrownBy(() -> cache.get(CacheKey.of("search").build(), () -> "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("search");
    }

    @Test
    void cacheNamesAreUnique() {
        caches.newCache("latest", Codec.utf8()).build();
        assertThatThrownBy(() -> caches.newCache("latest", Codec.bytes()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("latest");
    }

    @Test
    void nearCacheServesFromMemoryUntilItsTtlPasses() {
        FakeTicker ticker = new FakeTicker();
        Cached<String> cache = caches.newCache("near", Codec.utf8())
                .nearCache(Duration.ofSeconds(2), 100).ticker(ticker).build();
        CacheKey key = cache.key().build();
        cache.get(key, () -> "v1");
        // Without Redis' copy, only the near-cache can answer.
        redis.client().del(redis.rendered(key));

        Lookup<String> near = cache.get(key, () -> "v2");
        assertThat(near.outcome()).isEqualTo(Outcome.HIT);
        assertThat(near.value()).isEqualTo("v1");
        assertThat(cache.stats().nearHits()).isEqualTo(1);

        ticker.advance(Duration.ofSeconds(2));
        Lookup<String> expired = cache.get(key, () -> "v2");
        assertThat(expired.outcome()).isEqualTo(Outcome.MISS);
        assertThat(expired.value()).isEqualTo("v2");
    }

    @Test
    void nearCacheIsBypassedByAnInvalidation() {
        Cached<String> cache = caches.newCache("near", Codec.utf8()).nearCache(Duration.ofSeconds(5), 100).build();
        CacheKey key = cache.key().build();
        cache.get(key, () -> "old");

        caches.generations().bump("near");

        Lookup<String> after = cache.get(key, () -> "new");
        assertThat(after.outcome()).isEqualTo(Outcome.MISS);
        assertThat(after.value()).isEqualTo("new");
    }

    @Test
    void putNearKeepsTheValueInThisProcessOnlyUntilTheNearTtlPasses() {
        FakeTicker ticker = new FakeTicker();
        Cached<String> cache = caches.newCache("near", Codec.utf8())
                .nearCache(Duration.ofSeconds(2), 100).ticker(ticker).build();
        CacheKey key = cache.key().with("q", "storm").build();
        cache.get(key, () -> "stored");

        assertThat(cache.putNear(key, "derived")).isTrue();

        assertThat(cache.get(key, () -> "loaded").value()).isEqualTo("derived");
        assertThat(redis.client().get(redis.rendered(key))).isEqualTo("stored");
        Lookup<String> another = redis.caches().newCache("near", Codec.utf8()).build().get(key, () -> "loaded");
        assertThat(another.value()).isEqualTo("stored");
        ticker.advance(Duration.ofSeconds(2));
        Lookup<String> expired = cache.get(key, () -> "loaded");
        assertThat(expired.outcome()).isEqualTo(Outcome.HIT);
        assertThat(expired.value()).isEqualTo("stored");
    }

    @Test
    void putNearKeepsNothingWithoutANearCache() {
        Cached<String> cache = caches.newCache("plain", Codec.utf8()).build();
        CacheKey key = cache.key().build();
        cache.get(key, () -> "stored");

        assertThat(cache.putNear(key, "derived")).isFalse();

        assertThat(cache.get(key, () -> "loaded").value()).isEqualTo("stored");
    }
}
