package newsagg.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A read-through cache in Redis in front of a {@link Loader}, built with {@link Caches#newCache}. The loader
 * is passed to each {@link #get} call, because it closes over that request's parameters. A hit decodes
 * the stored bytes. A miss loads once per key at a time: concurrent misses in this process wait for the
 * one load (its exception reaches all of them and is not cached), and with {@link Builder#lock} a Redis
 * lock makes other processes wait for it too. The value is stored with its TTL plus jitter, or a shorter
 * TTL when it is empty. Redis trouble never reaches the caller: the loader's value is returned as
 * {@link Outcome#BYPASS} and the circuit breaker keeps later calls away from Redis for a while. Each call's time
 * in the cache goes to the {@link CacheTimer} its {@link Caches} was created with.
 *
 * <p>Inside, as in Caffeine, each concern is its own small class: {@link ReadThrough} (or {@link PassThrough} when
 * the cache is switched off), {@link SingleFlight}, {@link CrossProcessLock}, {@link StatsAwareLoader} and the
 * {@link StatsCounter} behind {@link #stats()}.
 */
public final class Cached<T> {

    /** Appended to an entry's key to name its lock. */
    public static final String LOCK_SUFFIX = CrossProcessLock.SUFFIX;

    private final String name;
    private final String scope;
    private final TtlPolicy<T> ttl;
    private final StatsCounter stats;
    private final Ticker ticker;
    private final CacheTimer timer;
    private final Backend<T> backend;

    private Cached(Builder<T> builder) {
        this.name = builder.name;
        this.scope = builder.scope == null ? builder.name : builder.scope;
        long ttlMillis = builder.ttl.toMillis();
        this.ttl = new TtlPolicy<>(ttlMillis, builder.emptyTtl == null ? ttlMillis : builder.emptyTtl.toMillis(),
                builder.isEmpty, builder.jitter);
        this.stats = builder.recordStats ? new ConcurrentStatsCounter() : StatsCounter.disabled();
        this.ticker = builder.ticker;
        Caches caches = builder.caches;
        this.timer = caches.timer();
        StatsAwareLoader<T> loading = new StatsAwareLoader<>(name, stats, ticker);
        if (!caches.enabled()) {
            this.backend = new PassThrough<>(loading, stats);
            return;
        }
        CrossProcessLock lock = builder.lockTtl == null ? null
                : new CrossProcessLock(caches.store(), stats, builder.lockTtl, builder.lockWait);
        NearCache<T> near = builder.nearTtl == null ? null
                : new NearCache<>(builder.nearTtl.toNanos(), builder.nearMaxEntries, ticker);
        this.backend = new ReadThrough<>(name, scope, caches, builder.codec, ttl, lock, near, loading, stats);
    }

    public String name() {
        return name;
    }

    /** The generation scope whose {@link Generations#bump} invalidates this cache. */
    public String scope() {
        return scope;
    }

    /** Starts a key for this cache. */
    public CacheKey.Builder key() {
        return CacheKey.of(name);
    }

    /**
     * The value for {@code key}: from the cache, or from {@code loader} on a miss or when Redis cannot be
     * used. Throws only what the loader throws (or a {@link NullPointerException} when it returns null).
     */
    public Lookup<T> get(CacheKey key, Loader<T> loader) {
        return get(key, loader, value -> true);
    }

    /**
     * As {@link #get(CacheKey, Loader)}, but a stored value that {@code usable} rejects (one that is behind, for
     * instance) counts as missing: it is loaded again, once per key, and the new value replaces it.
     */
    public Lookup<T> get(CacheKey key, Loader<T> loader, Predicate<? super T> usable) {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(usable, "usable");
        requireOwn(key);
        Stopwatch watch = new Stopwatch(ticker);
        try {
            return backend.get(key, loader, usable, watch);
        } finally {
            timer.add(CacheTimer.STAGE, watch.nanos());
        }
    }

    /**
     * Stores {@code value} for {@code key} with the usual TTL, as a load would: for a value brought up to date by
     * the caller instead of loaded. Redis trouble is counted and otherwise ignored.
     */
    public void put(CacheKey key, T value) {
        Objects.requireNonNull(value, "value");
        requireOwn(key);
        Stopwatch watch = new Stopwatch(ticker);
        try {
            backend.put(key, value, watch);
        } finally {
            timer.add(CacheTimer.STAGE, watch.nanos());
        }
    }

    /**
     * Keeps {@code value} for {@code key} in this process's near-cache only, for its near TTL, and not in Redis: for
     * a value that every process can cheaply derive again from the one in Redis, so that writing it back would cost
     * more than it saves. False, and nothing kept, when this cache has no near-cache (or is switched off); the
     * caller then decides whether to {@link #put} it. When Redis cannot be reached the value is not kept either:
     * that is counted as for a put, and the answer is true, since a put would fail the same way.
     */
    public boolean putNear(CacheKey key, T value) {
        Objects.requireNonNull(value, "value");
        requireOwn(key);
        Stopwatch watch = new Stopwatch(ticker);
        try {
            return backend.putNear(key, value, watch);
        } finally {
            timer.add(CacheTimer.STAGE, watch.nanos());
        }
    }

    private void requireOwn(CacheKey key) {
        if (!key.cache().equals(name)) {
            throw new IllegalArgumentException("key of cache '" + key.cache() + "' given to cache '" + name + "'");
        }
    }

    /** A snapshot of this cache's counters (all zero when it was built with {@code recordStats(false)}). */
    public CacheStats stats() {
        return stats.snapshot(name);
    }

    String describe() {
        return ttl.describe() + " scope=" + scope + " " + backend.describe();
    }

    long ttlFor(T value) {
        return ttl.ttlFor(value);
    }

    /**
     * Configures one {@link Cached}; {@link #build} registers it with its {@link Caches}. Defaults: TTL
     * 30 s, jitter ±10 %, empty values kept as long as others, no cross-process lock, scope = the name,
     * no near-cache, the system ticker, stats recorded.
     */
    public static final class Builder<T> {

        private final Caches caches;
        private final String name;
        private final Codec<T> codec;
        private Duration ttl = Duration.ofSeconds(30);
        private double jitter = 0.1;
        private Duration emptyTtl;
        private Predicate<? super T> isEmpty;
        private Duration lockTtl;
        private Duration lockWait;
        private String scope;
        private Duration nearTtl;
        private int nearMaxEntries;
        private Ticker ticker = Ticker.system();
        private boolean recordStats = true;

        Builder(Caches caches, String name, Codec<T> codec) {
            this.caches = caches;
            this.name = CacheKey.requireIdentifier("cache name", name);
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        /** How long a stored value lives in Redis (before jitter); at least 1 ms. */
        public Builder<T> ttl(Duration value) {
            this.ttl = requireMillis("ttl", value);
            return this;
        }

        /** Spreads each TTL uniformly over ±{@code fraction} of itself (0 to 0.5) so entries do not expire together. */
        public Builder<T> jitter(double fraction) {
            if (!(fraction >= 0 && fraction <= 0.5)) {
                throw new IllegalArgumentException("jitter must be in [0, 0.5], was " + fraction);
            }
            this.jitter = fraction;
            return this;
        }

        /** Keeps values that {@code isEmpty} accepts for {@code ttl} instead (usually shorter). */
        public Builder<T> emptyTtl(Duration ttl, Predicate<? super T> isEmpty) {
            this.emptyTtl = requireMillis("emptyTtl", ttl);
            this.isEmpty = Objects.requireNonNull(isEmpty, "isEmpty");
            return this;
        }

        /**
         * Makes one process load a missing key while others poll for up to {@code maxWait} and then load by
         * themselves. {@code lockTtl} must exceed a normal load, so the lock does not expire under it.
         */
        public Builder<T> lock(Duration lockTtl, Duration maxWait) {
            this.lockTtl = requireMillis("lockTtl", lockTtl);
            this.lockWait = requireMillis("lock maxWait", maxWait);
            return this;
        }

        /** The generation scope that invalidates this cache, shared by caches over the same data. */
        public Builder<T> scope(String value) {
            this.scope = CacheKey.requireIdentifier("scope", value);
            return this;
        }

        /** Keeps up to {@code maxEntries} values in this process for {@code ttl} (a few seconds) in front of Redis. */
        public Builder<T> nearCache(Duration ttl, int maxEntries) {
            this.nearTtl = requireMillis("near-cache ttl", ttl);
            if (maxEntries < 1) {
                throw new IllegalArgumentException("near-cache maxEntries must be at least 1, was " + maxEntries);
            }
            this.nearMaxEntries = maxEntries;
            return this;
        }

        /** The clock for timings and the near-cache; tests pass a fake one. */
        public Builder<T> ticker(Ticker value) {
            this.ticker = Objects.requireNonNull(value, "ticker");
            return this;
        }

        /** Whether to count hits, misses and loads for {@link Cached#stats()}; on unless switched off here. */
        public Builder<T> recordStats(boolean value) {
            this.recordStats = value;
            return this;
        }

        public Cached<T> build() {
            Cached<T> cached = new Cached<>(this);
            caches.register(cached);
            return cached;
        }

        private static Duration requireMillis(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.toMillis() < 1) {
                throw new IllegalArgumentException(what + " must be at least 1 ms, was " + value);
            }
            return value;
        }
    }
}
