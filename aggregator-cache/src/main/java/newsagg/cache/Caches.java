package newsagg.cache;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

/**
 * The composition root of the cache module: one Redis client pool, one circuit breaker, the
 * {@link Generations} and every {@link Cached} built through {@link #newCache}, by name. With
 * {@link CacheSettings#enabled()} false it opens no connection at all and every cache calls its loader
 * directly, answering {@link Outcome#BYPASS}. {@link #stats()} is what a metrics exporter reads; the time each call
 * spends in the cache goes to the {@link CacheTimer} given to {@link #create(CacheSettings, CacheTimer)}.
 */
public final class Caches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Caches.class);

    private final CacheSettings settings;
    private final RedisStore store;
    private final Generations generations;
    private final CacheTimer timer;
    private final Map<String, Cached<?>> caches = new ConcurrentHashMap<>();

    private Caches(CacheSettings settings, RedisStore store, Ticker ticker, CacheTimer timer) {
        this.settings = settings;
        this.store = store;
        this.timer = timer;
        this.generations = new Generations(store, settings.namespace(), settings.generationStaleness(), ticker);
    }

    /** {@link #create(CacheSettings, CacheTimer)} with no timer. */
    public static Caches create(CacheSettings settings) {
        return create(settings, CacheTimer.NONE);
    }

    /**
     * Caches as {@code settings} say, reporting each call's time in the cache to {@code timer}; the Redis pool connects
     * lazily, so this succeeds while Redis is down.
     */
    public static Caches create(CacheSettings settings, CacheTimer timer) {
        if (!settings.enabled()) {
            return new Caches(settings, null, Ticker.system(), timer);
        }
        RedisEndpoint endpoint = new RedisEndpoint(settings.redisUrl());
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        // Waiting for a pooled connection counts against the same budget as a slow reply.
        pool.setMaxWait(settings.socketTimeout());
        RedisClient client = RedisClient.builder()
                .hostAndPort(endpoint.hostAndPort())
                .clientConfig(endpoint.clientConfig(settings.connectTimeout(), settings.socketTimeout()))
                .poolConfig(pool)
                .build();
        Ticker ticker = Ticker.system();
        CircuitBreaker breaker = new CircuitBreaker(settings.breakerThreshold(), settings.breakerCoolDown(), ticker);
        return new Caches(settings, new RedisStore(client, breaker), ticker, timer);
    }

    /** Caches that never touch Redis. */
    public static Caches disabled() {
        return create(CacheSettings.disabled());
    }

    public boolean enabled() {
        return store != null;
    }

    /** Starts a cache named {@code name} (unique within these caches) that stores values with {@code codec}. */
    public <T> Cached.Builder<T> newCache(String name, Codec<T> codec) {
        return new Cached.Builder<>(this, name, codec);
    }

    public Generations generations() {
        return generations;
    }

    /** A snapshot of every cache's counters, by name. */
    public Map<String, CacheStats> stats() {
        Map<String, CacheStats> out = new TreeMap<>();
        caches.forEach((name, cache) -> out.put(name, cache.stats()));
        return Collections.unmodifiableMap(out);
    }

    /** The Redis pool's connections in use, idle and awaited, so that a leak or a pile-up shows in metrics. */
    public RedisPoolStats redisPool() {
        return store == null ? RedisPoolStats.NONE : store.poolStats();
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }

    RedisStore store() {
        return store;
    }

    CacheTimer timer() {
        return timer;
    }

    String namespace() {
        return settings.namespace();
    }

    void register(Cached<?> cache) {
        if (caches.putIfAbsent(cache.name(), cache) != null) {
            throw new IllegalStateException("a cache named '" + cache.name() + "' exists already");
        }
        LOG.info("cache {} ready: {}", cache.name(), cache.describe());
    }
}
