package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import newsagg.cache.testing.Poll;
import newsagg.cache.testing.RedisServerProcess;
import newsagg.cache.testing.TestRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailOpenIT {

    private final TestRedis redis = new TestRedis();

    @AfterEach
    void cleanUp() {
        redis.close();
    }

    @Test
    void redisOnAClosedPortIsBypassedAndTheBreakerStopsTrying() {
        CacheSettings settings = CacheSettings.defaults(URI.create("redis://127.0.0.1:" + TestRedisServer.freePort()))
                .withNamespace(redis.namespace())
                .withBreaker(3, Duration.ofMinutes(5));
        Caches caches = redis.caches(settings);
        Cached<String> cache = caches.newCache("latest", Codec.utf8()).build();
        CacheKey key = cache.key().build();
        AtomicInteger loads = new AtomicInteger();

        for (int i = 0; i < 3; i++) {
            Lookup<String> lookup = cache.get(key, () -> "from the database " + loads.incrementAndGet());
            assertThat(lookup.outcome()).isEqualTo(Outcome.BYPASS);
            assertThat(lookup.value()).isEqualTo("from the database " + (i + 1));
        }
        long errorsWhenOpened = cache.stats().redisErrors();
        assertThat(errorsWhenOpened).isEqualTo(3);

        for (int i = 0; i < 20; i++) {
            assertThat(cache.get(key, () -> "still served").outcome()).isEqualTo(Outcome.BYPASS);
        }
        CacheStats stats = cache.stats();
        assertThat(stats.redisErrors()).as("an open breaker does not even try Redis").isEqualTo(errorsWhenOpened);
        assertThat(stats.bypasses()).isEqualTo(23);
        assertThat(stats.loads()).isEqualTo(23);
        assertThat(stats.hits() + stats.misses()).isZero();
    }

    @Test
    void redisThatAcceptsButNeverAnswersIsBypassedAfterTheSocketTimeout() throws IOException {
        // The kernel completes connections into the backlog, but nobody ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CacheSettings settings = CacheSettings.defaults(URI.create("redis://127.0.0.1:" + silent.getLocalPort()))
                    .withNamespace(redis.namespace())
                    .withTimeouts(Duration.ofMillis(100), Duration.ofMillis(100))
                    .withBreaker(1, Duration.ofMinutes(5));
            Cached<String> cache = redis.caches(settings).newCache("latest", Codec.utf8()).build();

            Lookup<String> first = cache.get(cache.key().build(), () -> "v");
            Lookup<String> second = cache.get(cache.key().build(), () -> "v");

            assertThat(first.outcome()).isEqualTo(Outcome.BYPASS);
            assertThat(first.value()).isEqualTo("v");
            assertThat(second.outcome()).isEqualTo(Outcome.BYPASS);
            assertThat(cache.stats().redisErrors()).isEqualTo(1);
        }
    }

    @Test
    void redisKilledAndRestartedCostsNoRequestAndTheCacheRecovers() {
        int port = TestRedisServer.freePort();
        try (RedisServerProcess server = new RedisServerProcess(port)) {
            server.start();
            CacheSettings settings = CacheSettings.defaults(server.url())
                    .withNamespace(redis.namespace())
                    .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500))
                    .withBreaker(2, Duration.ofMillis(200));
            Cached<String> cache = redis.caches(settings).newCache("latest", Codec.utf8()).build();
            CacheKey key = cache.key().with("limit", 20).build();
            assertThat(cache.get(key, () -> "v").outcome()).isEqualTo(Outcome.MISS);
            assertThat(cache.get(key, () -> "v").outcome()).isEqualTo(Outcome.HIT);

            server.kill();
            for (int i = 0; i < 20; i++) {
                Lookup<String> lookup = cache.get(key, () -> "from the database");
                assertThat(lookup.outcome()).isEqualTo(Outcome.BYPASS);
                assertThat(lookup.value()).isEqualTo("from the database");
            }
            assertThat(cache.stats().redisErrors()).isPositive();

            server.start();
            assertThat(Poll.until(() -> cache.get(key, () -> "v").outcome() == Outcome.HIT, Duration.ofSeconds(15)))
                    .as("the cache hits again once Redis is back").isTrue();
        }
    }

    @Test
    void withTheDefaultBreakerTheCacheHitsWithinFiveSecondsOfARestartEvenRightAfterAFailedProbe() {
        int port = TestRedisServer.freePort();
        try (RedisServerProcess server = new RedisServerProcess(port)) {
            server.start();
            Cached<String> cache = redis.caches(CacheSettings.defaults(server.url()).withNamespace(redis.namespace()))
                    .newCache("latest", Codec.utf8()).build();
            CacheKey key = cache.key().build();
            assertThat(cache.get(key, () -> "v").outcome()).isEqualTo(Outcome.MISS);

            server.kill();
            long errorsWhenOpened = errorsOnceOpen(cache, key);
            // The worst moment for Redis to come back: a probe has just failed, so a full cool-down lies ahead.
            assertThat(Poll.until(() -> cache.get(key, () -> "v").outcome() == Outcome.BYPASS
                    && cache.stats().redisErrors() > errorsWhenOpened, Duration.ofSeconds(30)))
                    .as("a probe tries Redis again after the cool-down").isTrue();
            long probeFailed = System.nanoTime();
            server.start();

            assertThat(Poll.until(() -> cache.get(key, () -> "v").outcome() == Outcome.HIT, Duration.ofSeconds(30)))
                    .as("the cache hits again once Redis is back").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - probeFailed))
                    .as("issue #8: hits again within 5 s of the restart").isLessThan(Duration.ofSeconds(5));
        }
    }

    /** Requests until the breaker has opened; the Redis errors counted by then. */
    private static long errorsOnceOpen(Cached<String> cache, CacheKey key) {
        long errors = -1;
        while (errors != cache.stats().redisErrors()) {
            errors = cache.stats().redisErrors();
            assertThat(cache.get(key, () -> "from the database").outcome()).isEqualTo(Outcome.BYPASS);
        }
        return errors;
    }
}
