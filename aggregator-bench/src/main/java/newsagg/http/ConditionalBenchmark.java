package newsagg.http;

import java.net.URI;
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
 * A response-cache hit as it was (bare bytes, {@link Codec#bytes()}) against a hit with its stored entity tag
 * ({@link Representation#CODEC}) followed by the {@code If-None-Match} check that {@link Conditional#write} makes,
 * side by side, through the near-cache and through Redis; and, for scale, what hashing the bytes on every hit
 * would cost instead. {@link Representation} and {@link Conditional} are package-private, so this benchmark lives
 * in {@code newsagg.http} inside the bench module. Needs the Redis at {@code REDIS_URL} (default
 * {@code redis://127.0.0.1:6379}); its keys live under a namespace of its own and are deleted at tear-down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConditionalBenchmark {

    /** About the size of a 20-hit search answer. */
    @Param("8192")
    int valueBytes;

    private Caches caches;
    private Cached<byte[]> bytesRedis;
    private Cached<byte[]> bytesNear;
    private Cached<Representation> taggedRedis;
    private Cached<Representation> taggedNear;
    private String namespace;
    private byte[] value;
    /** A client revalidating an older answer: the check runs and does not match, so the bytes are written. */
    private String ifNoneMatch;

    @Setup
    public void setUp() {
        URI redisUrl = URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        namespace = "newsagg-bench-" + UUID.randomUUID().toString().substring(0, 8);
        caches = Caches.create(CacheSettings.defaults(redisUrl).withNamespace(namespace));
        value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'x');
        ifNoneMatch = "\"AAAAAAAAAAAAAAAAAAAAAA\"";
        Representation tagged = Representation.of(value);
        bytesRedis = caches.newCache("bytes_redis", Codec.bytes()).ttl(Duration.ofMinutes(10)).build();
        bytesNear = caches.newCache("bytes_near", Codec.bytes()).ttl(Duration.ofMinutes(10))
                .nearCache(Duration.ofSeconds(2), 1_000).build();
        taggedRedis = caches.newCache("tagged_redis", Representation.CODEC).ttl(Duration.ofMinutes(10)).build();
        taggedNear = caches.newCache("tagged_near", Representation.CODEC).ttl(Duration.ofMinutes(10))
                .nearCache(Duration.ofSeconds(2), 1_000).build();
        for (Cached<byte[]> cache : List.of(bytesRedis, bytesNear)) {
            require(cache.get(key(cache), () -> value), Outcome.MISS);
            require(cache.get(key(cache), () -> value), Outcome.HIT);
        }
        for (Cached<Representation> cache : List.of(taggedRedis, taggedNear)) {
            require(cache.get(key(cache), () -> tagged), Outcome.MISS);
            require(cache.get(key(cache), () -> tagged), Outcome.HIT);
        }
    }

    @TearDown
    public void tearDown() {
        RedisClient raw = RedisClient.builder().hostAndPort(new RedisEndpoint(
                URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"))).hostAndPort()).build();
        for (Cached<?> cache : List.of(bytesRedis, bytesNear, taggedRedis, taggedNear)) {
            raw.del(key(cache).render(namespace, caches.generations().current(cache.scope())));
            raw.del(namespace + ':' + CacheKey.FORMAT_VERSION + ":gen:" + cache.scope());
        }
        raw.close();
        caches.close();
    }

    private static CacheKey key(Cached<?> cache) {
        return cache.key().with("hours", 24).with("limit", 20).build();
    }

    private static void require(Lookup<?> lookup, Outcome expected) {
        if (lookup.outcome() != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + lookup.outcome());
        }
    }

    @Benchmark
    public byte[] nearHitBytes() {
        return bytesNear.get(key(bytesNear), ConditionalBenchmark::neverLoaded).value();
    }

    @Benchmark
    public byte[] nearHitTaggedAndChecked() {
        return checked(taggedNear.get(key(taggedNear), ConditionalBenchmark::neverLoaded).value());
    }

    @Benchmark
    public byte[] redisHitBytes() {
        return bytesRedis.get(key(bytesRedis), ConditionalBenchmark::neverLoaded).value();
    }

    @Benchmark
    public byte[] redisHitTaggedAndChecked() {
        return checked(taggedRedis.get(key(taggedRedis), ConditionalBenchmark::neverLoaded).value());
    }

    /** What a hit would add if the tag were computed from the bytes on every request instead of stored. */
    @Benchmark
    public String hashTheBytes() {
        return Representation.of(value).etag();
    }

    private byte[] checked(Representation representation) {
        return Conditional.matches(ifNoneMatch, representation.etag()) ? null : representation.body();
    }

    private static <T> T neverLoaded() {
        throw new IllegalStateException("a hit must not load");
    }
}
