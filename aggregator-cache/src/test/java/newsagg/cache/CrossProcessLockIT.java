package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import newsagg.cache.testing.Poll;
import newsagg.cache.testing.TestRedisServer;
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

    @Test
    void theLockHolderLoadsAndReleasesOnlyItsOwnLock() {
        CrossProcessLock lock = lock(Duration.ofSeconds(1));
        String entry = redis.namespace() + ":entry";
        AtomicInteger peeks = new AtomicInteger();
        AtomicReference<String> lockDuringLoad = new AtomicReference<>();

        String value = lock.load(entry, () -> {
            peeks.incrementAndGet();
            return null;
        }, () -> {
            lockDuringLoad.set(redis.client().get(entry + CrossProcessLock.SUFFIX));
            return "loaded";
        }, watch());

        assertThat(value).isEqualTo("loaded");
        assertThat(peeks).as("the holder looks once more before loading").hasValue(1);
        assertThat(lockDuringLoad.get()).as("a random token, held during the load").hasSize(32);
        assertThat(redis.exists(entry + CrossProcessLock.SUFFIX)).isFalse();
    }

    @Test
    void aLockThatExpiredAndWasTakenByAnotherIsNotReleased() {
        CrossProcessLock lock = lock(Duration.ofSeconds(1));
        String entry = redis.namespace() + ":taken";
        String lockKey = entry + CrossProcessLock.SUFFIX;

        lock.load(entry, () -> null, () -> {
            // Our lock expired mid-load and another process took it.
            redis.client().set(lockKey, "other-process");
            return "v";
        }, watch());

        assertThat(redis.client().get(lockKey)).isEqualTo("other-process");
    }

    @Test
    void aWaiterTakesWhatItsPeekFindsOnceTheHolderHasStored() {
        CrossProcessLock lock = lock(Duration.ofSeconds(20));
        String entry = redis.namespace() + ":waited";
        redis.client().set(entry + CrossProcessLock.SUFFIX, "holder");
        AtomicInteger peeks = new AtomicInteger();

        String value = lock.load(entry, () -> peeks.incrementAndGet() < 3 ? null : "stored by the holder",
                () -> "own load", watch());

        assertThat(value).isEqualTo("stored by the holder");
        assertThat(peeks).hasValue(3);
    }

    @Test
    void redisTroubleEndsTheWaitAndTheCallerLoadsByItself() {
        Caches down = redis.caches(CacheSettings.defaults(URI.create("redis://127.0.0.1:" + TestRedisServer.freePort()))
                .withNamespace(redis.namespace()));
        StatsCounter stats = new ConcurrentStatsCounter();
        CrossProcessLock lock = new CrossProcessLock(down.store(), stats, Duration.ofSeconds(30), Duration.ofSeconds(20));

        String value = lock.load(redis.namespace() + ":down", () -> "never peeked", () -> "own load", watch());

        assertThat(value).isEqualTo("own load");
        assertThat(stats.snapshot("lock").redisErrors()).isEqualTo(1);
    }

    private CrossProcessLock lock(Duration maxWait) {
        return new CrossProcessLock(redis.caches().store(), new ConcurrentStatsCounter(), Duration.ofSeconds(30), maxWait);
    }

    private static Stopwatch watch() {
        return new Stopwatch(Ticker.system());
    }

    private Cached<String> replica(Duration maxWait) {
        return redis.caches().newCache("search", Codec.utf8()).lock(Duration.ofSeconds(30), maxWait).build();
    }
}
