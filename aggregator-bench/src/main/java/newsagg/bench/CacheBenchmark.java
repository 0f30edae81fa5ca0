package newsagg.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import newsagg.cache.CacheKey;
import newsagg.cache.CacheSettings;
import newsagg.cache.Cached;
import newsagg.cache.Caches;
import newsagg.cache.Codec;
import newsagg.cache.Lookup;
import newsagg.cache.Outcome;
import newsagg.cache.RedisEndpoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;

/**
 * The cache's hit path against a raw Jedis GET of the same bytes, and key building alone. Needs the Redis at
 * {@code REDIS_URL} (default {@code redis://127.0.0.1:6379}); every key lives under a namespace of its own and
 * is deleted at tear-down. {@code hitRedis} is a hit with the near-cache off (generation check, key render, one GET),
 * {@code hitNear} one served by the in-process near-cache, {@code rawGet} the bare round trip both are measured
 * against.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CacheBenchmark {

    /** About the size of a trending answer. */
    @Param("2048")
    int valueBytes;

    private Caches caches;
    private Cached<byte[]> redisOnly;
    private Cached<byte[]> withNear;
    private RedisClient raw;
    private String namespace;
    private CacheKey redisKey;
    private CacheKey nearKey;
    private byte[] rawKey;

    @Setup
    public void setUp() {
        URI redisUrl = URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        namespace = "newsagg-bench-" + UUID.randomUUID().toString().substring(0, 8);
        caches = Caches.create(CacheSettings.defaults(redisUrl).withNamespace(namespace));
        redisOnly = caches.newCache("redis_only", Codec.bytes()).ttl(Duration.ofMinutes(10)).build();
        withNear = caches.newCache("with_near", Codec.bytes()).ttl(Duration.ofMinutes(10))
                .nearCache(Duration.ofSeconds(2), 1_000).build();
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'x');
        redisKey = searchKey(redisOnly.key());
        nearKey = searchKey(withNear.key());
        require(redisOnly.get(redisKey, () -> value), Outcome.MISS);
        require(redisOnly.get(redisKey, () -> value), Outcome.HIT);
        require(withNear.get(nearKey, () -> value), Outcome.MISS);
        require(withNear.get(nearKey, () -> value), Outcome.HIT);

        RedisEndpoint endpoint = new RedisEndpoint(redisUrl);
        raw = RedisClient.builder().hostAndPort(endpoint.hostAndPort())
                .clientConfig(endpoint.clientConfig(Duration.ofMillis(100), Duration.ofMillis(100))).build();
        rawKey = redisKey.render(namespace, caches.generations().current(redisOnly.scope()))
                .getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(raw.get(rawKey), value)) {
            throw new IllegalStateException("the raw GET does not read the cached entry");
        }
    }

    @TearDown
    public void tearDown() {
        for (Cached<byte[]> cache : List.of(redisOnly, withNear)) {
            long generation = caches.generations().current(cache.scope());
            raw.del(searchKey(cache.key()).render(namespace, generation));
            raw.del(namespace + ':' + CacheKey.FORMAT_VERSION + ":gen:" + cache.scope());
        }
        raw.close();
        caches.close();
    }

    private static CacheKey searchKey(CacheKey.Builder builder) {
        return builder.withCaseInsensitive("q", "Election Results").with("limit", 20).with("cursor", null).build();
    }

    private static void require(Lookup<byte[]> lookup, Outcome expected) {
        if (lookup.outcome() != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + lookup.outcome());
        }
    }

    @Benchmark
    public byte[] rawGet() {
        return raw.get(rawKey);
    }

    @Benchmark
    public byte[] hitRedis() {
        return redisOnly.get(redisKey, CacheBenchmark::neverLoaded).value();
    }

    @Benchmark
    public byte[] hitNear() {
        return withNear.get(nearKey, CacheBenchmark::neverLoaded).value();
    }

    /** Building a search key from request parameters, as the handler does on every request. */
    @Benchmark
    public CacheKey keyBuild() {
        return searchKey(withNear.key());
    }

    /** Building it and rendering the Redis key under a generation. */
    @Benchmark
    public String keyBuildAndRender() {
        return searchKey(withNear.key()).render(namespace, 42);
    }

    private static byte[] neverLoaded() {
        throw new IllegalStateException("a hit must not load");
    }
}
