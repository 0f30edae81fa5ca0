package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import newsagg.cache.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CrossProcessLockIT {

    private final TestRedis redis = new TestRedis();

    @AfterEach
    void cleanUp() {
        redis.close();
    }

    @Test
    void concurrentMissesInTwoReplicasMakeOneLoad() throws Exception {
        // Two Caches with their own pools and in-process state stand for two server replicas.
        List<Cached<String>> replicas = List.of(replica(Duration.ofSeconds(20)), replica(Duration.ofSeconds(20)));
        int threads = 16;
        CacheKey key = replicas.get(0).key().with("q", "stampede").build();
        Stampede<Lookup<String>> stampede = new Stampede<>(threads);
        AtomicInteger loads = new AtomicInteger();
        Loader<String> loader = () -> {
            loads.incrementAndGet();
            stampede.holdUntilOthersWait();
            return "loaded once";
        };

        stampede.run(i -> replicas.get(i % 2).get(key, loader));

        assertThat(stampede.failures()).isEmpty();
        assertThat(loads).hasValue(1);
        assertThat(stampede.results()).hasSize(threads)
                .allSatisfy(result -> assertThat(result.value()).isEqualTo("loaded once"));
        assertThat(redis.exists(redis.rendered(key) + Cached.LOCK_SUFFIX))
                .as("the lock is released after the load").isFalse();
    }

    @Test
    void waiterLoadsByItselfWhenTheLockHolderNeverStores() {
        Cached<String> cache = replica(Duration.ofMillis(300));
        CacheKey key = cache.key().with("q", "stuck").build();
        String lockKey = redis.rendered(key) + Cached.LOCK_SUFFIX;
        // Another replica holds the lock and never finishes.
        redis.client().set(lockKey, "someone-else");

        Lookup<String> lookup = cache.get(key, () -> "fallback");

        assertThat(lookup.value()).isEqualTo("fallback");
        assertThat(lookup.outcome()).isEqualTo(Outcome.MISS);
        assertThat(redis.client().get(lockKey)).as("a lock that is not ours is left alone").isEqualTo("someone-else");
    }

    @Test
    void waitingReplicaTakesTheValueTheHolderStores() throws InterruptedException {
        Cached<String> waiting = replica(Duration.ofSeconds(20));
        CacheKey key = waiting.key().with("q", "slow").build();
        String redisKey = redis.rendered(key);
        redis.client().set(redisKey + Cached.LOCK_SUFFIX, "holder");
        AtomicInteger loads = new AtomicInteger();
        Thread writer = new Thread(() -> {
            Poll.until(() -> waiting.stats().misses() == 1, Duration.ofSeconds(10));
            redis.client().set(redisKey, "from the holder");
        });
        writer.start();

        Lookup<String> lookup = waiting.get(key, () -> "own load " + loads.incrementAndGet());
        writer.join();

        assertThat(lookup.value()).isEqualTo("from the holder");
        assertThat(loads).hasValue(0);
    }

    private Cached<String> replica(Duration maxWait) {
        return redis.caches().newCache("search", Codec.utf8()).lock(Duration.ofSeconds(30), maxWait).build();
    }
}
