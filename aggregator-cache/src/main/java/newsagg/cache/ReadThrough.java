package newsagg.cache;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis-backed {@link Backend}. A lookup reads the scope's generation, asks the near-cache (when there is one),
 * then Redis. A miss loads once per key in this process ({@link SingleFlight}) and, with a {@link CrossProcessLock},
 * once across processes, then stores the value with its {@link TtlPolicy}. Redis trouble never reaches the caller:
 * the loader's value is returned as {@link Outcome#BYPASS}, still once per key at a time.
 */
final class ReadThrough<T> implements Backend<T> {

    private static final Logger LOG = LoggerFactory.getLogger(ReadThrough.class);

    private static final long UNSEEN = Long.MIN_VALUE;

    private final String name;
    private final String scope;
    private final String namespace;
    private final Codec<T> codec;
    private final TtlPolicy<T> ttl;
    private final RedisStore store;
    private final Generations generations;
    private final CrossProcessLock lock;
    private final NearCache<T> near;
    private final StatsAwareLoader<T> loading;
    private final StatsCounter stats;

    // Keyed by the full Redis key for misses, and by the generation-less CacheKey for bypass loads
    // (the generation is unknown then); a String never equals a CacheKey, so the two cannot mix.
    private final SingleFlight<Object, T> inFlight = new SingleFlight<>();
    private final AtomicLong lastGeneration = new AtomicLong(UNSEEN);

    /** {@code lock} and {@code near} may be null: no cross-process lock, no near-cache. */
    ReadThrough(String name, String scope, Caches caches, Codec<T> codec, TtlPolicy<T> ttl, CrossProcessLock lock,
                NearCache<T> near, StatsAwareLoader<T> loading, StatsCounter stats) {
        this.name = name;
        this.scope = scope;
        this.namespace = caches.namespace();
        this.codec = codec;
        this.ttl = ttl;
        this.store = caches.store();
        this.generations = caches.generations();
        this.lock = lock;
        this.near = near;
        this.loading = loading;
        this.stats = stats;
    }

    @Override
    public Lookup<T> get(CacheKey key, Loader<T> loader, Predicate<? super T> usable, Stopwatch watch) {
        long generation;
        try {
            generation = generations.current(scope, watch);
        } catch (CacheUnavailableException e) {
            return bypass(key, loader, e, watch);
        }
        observe(generation);
        String fullKey = key.render(namespace, generation);
        if (near != null) {
            T value = near.get(fullKey);
            if (value != null && usable.test(value)) {
                stats.recordHit(true);
                return new Lookup<>(value, Outcome.HIT, watch.nanos());
            }
        }
        byte[] keyBytes = RedisStore.utf8(fullKey);
        byte[] raw;
        try {
            raw = store.get(keyBytes, watch);
        } catch (CacheUnavailableException e) {
            return bypass(key, loader, e, watch);
        }
        T cached = raw == null ? null : decode(raw, watch);
        if (cached != null && usable.test(cached)) {
            stats.recordHit(false);
            remember(fullKey, cached);
            return new Lookup<>(cached, Outcome.HIT, watch.nanos());
        }
        stats.recordMiss();
        T value = inFlight.run(fullKey, () -> lock == null ? loadAndStore(keyBytes, loader, watch)
                : lock.load(fullKey, () -> usableOrNull(read(keyBytes, watch), usable),
                        () -> loadAndStore(keyBytes, loader, watch), watch)).value();
        remember(fullKey, value);
        return new Lookup<>(value, Outcome.MISS, watch.nanos());
    }

    @Override
    public void put(CacheKey key, T value, Stopwatch watch) {
        try {
            String fullKey = key.render(namespace, generations.current(scope, watch));
            store.set(RedisStore.utf8(fullKey), encode(value, watch), ttl.ttlFor(value), watch);
            remember(fullKey, value);
        } catch (CacheUnavailableException e) {
            stats.recordRedisFailure(e);
        }
    }

    /** Redis trouble (the generation cannot be read) is counted, and the value is not kept. */
    @Override
    public boolean putNear(CacheKey key, T value, Stopwatch watch) {
        if (near == null) {
            return false;
        }
        try {
            near.put(key.render(namespace, generations.current(scope, watch)), value);
        } catch (CacheUnavailableException e) {
            stats.recordRedisFailure(e);
        }
        return true;
    }

    @Override
    public String describe() {
        return "lock=" + (lock != null ? lock.describe() : "off") + " near=" + (near != null ? "on" : "off")
                + " redis=on";
    }

    private Lookup<T> bypass(CacheKey key, Loader<T> loader, CacheUnavailableException cause, Stopwatch watch) {
        stats.recordRedisFailure(cause);
        stats.recordBypass();
        T value = inFlight.run(key, () -> loading.load(loader)).value();
        return new Lookup<>(value, Outcome.BYPASS, watch.nanos());
    }

    private T loadAndStore(byte[] keyBytes, Loader<T> loader, Stopwatch watch) {
        T value = loading.load(loader);
        try {
            store.set(keyBytes, encode(value, watch), ttl.ttlFor(value), watch);
        } catch (CacheUnavailableException e) {
            stats.recordRedisFailure(e);
        }
        return value;
    }

    /** GET and decode, or null when there is no (readable) value or Redis fails. */
    private T read(byte[] keyBytes, Stopwatch watch) {
        try {
            byte[] raw = store.get(keyBytes, watch);
            return raw == null ? null : decode(raw, watch);
        } catch (CacheUnavailableException e) {
            stats.recordRedisFailure(e);
            return null;
        }
    }

    private T usableOrNull(T value, Predicate<? super T> usable) {
        return value != null && usable.test(value) ? value : null;
    }

    private byte[] encode(T value, Stopwatch watch) {
        long started = watch.start();
        try {
            return codec.encode(value);
        } finally {
            watch.stop(started);
        }
    }

    private T decode(byte[] raw, Stopwatch watch) {
        long started = watch.start();
        try {
            return codec.decode(raw);
        } catch (RuntimeException e) {
            // An unreadable entry is a miss; the load that follows overwrites it.
            LOG.debug("cache {}: unreadable entry treated as a miss: {}", name, e.toString());
            return null;
        } finally {
            watch.stop(started);
        }
    }

    private void remember(String fullKey, T value) {
        if (near != null) {
            near.put(fullKey, value);
        }
    }

    private void observe(long generation) {
        long last = lastGeneration.get();
        if (last != generation && lastGeneration.compareAndSet(last, generation) && last != UNSEEN) {
            stats.recordInvalidation();
        }
    }
}
