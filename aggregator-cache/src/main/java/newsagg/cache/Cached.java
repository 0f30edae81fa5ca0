package newsagg.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-through cache in Redis in front of a {@link Loader}, built with {@link Caches#newCache}. The loader
 * is passed to each {@link #get} call, because it closes over that request's parameters. A hit decodes
 * the stored bytes. A miss loads once per key at a time: concurrent misses in this process wait for the
 * one load (its exception reaches all of them and is not cached), and with {@link Builder#lock} a Redis
 * lock makes other processes wait for it too. The value is stored with its TTL plus jitter, or a shorter
 * TTL when it is empty. Redis trouble never reaches the caller: the loader's value is returned as
 * {@link Outcome#BYPASS} and the circuit breaker keeps later calls away from Redis for a while.
 */
public final class Cached<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Cached.class);

    /** Appended to an entry's key to name its lock. */
    public static final String LOCK_SUFFIX = ":lock";

    private static final long UNSEEN = Long.MIN_VALUE;

    private final String name;
    private final Codec<T> codec;
    private final long ttlMillis;
    private final long emptyTtlMillis;
    private final Predicate<? super T> isEmpty;
    private final double jitter;
    private final long lockTtlMillis;
    private final long lockPollMillis;
    private final int lockPolls;
    private final String scope;
    private final String namespace;
    private final RedisStore store;
    private final Generations generations;
    private final Ticker ticker;
    private final NearCache<T> near;

    // Keyed by the full Redis key for misses, and by the generation-less CacheKey for bypass loads
    // (the generation is unknown then); a String never equals a CacheKey, so the two cannot mix.
    private final SingleFlight<Object, Loaded<T>> inFlight = new SingleFlight<>();
    private final AtomicLong lastGeneration = new AtomicLong(UNSEEN);

    private final LongAdder hits = new LongAdder();
    private final LongAdder nearHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder redisErrors = new LongAdder();
    private final LongAdder bypasses = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();

    private record Loaded<T>(T value, long cacheNanos) {
    }

    private Cached(Builder<T> builder) {
        this.name = builder.name;
        this.codec = builder.codec;
        this.ttlMillis = builder.ttl.toMillis();
        this.emptyTtlMillis = builder.emptyTtl == null ? ttlMillis : builder.emptyTtl.toMillis();
        this.isEmpty = builder.isEmpty;
        this.jitter = builder.jitter;
        this.lockTtlMillis = builder.lockTtl == null ? 0 : builder.lockTtl.toMillis();
        long wait = builder.lockWait == null ? 0 : builder.lockWait.toMillis();
        this.lockPollMillis = Math.max(1, Math.min(20, wait / 20));
        this.lockPolls = (int) Math.max(1, wait / lockPollMillis);
        this.scope = builder.scope == null ? builder.name : builder.scope;
        this.namespace = builder.caches.namespace();
        this.store = builder.caches.store();
        this.generations = builder.caches.generations();
        this.ticker = builder.ticker;
        this.near = builder.nearTtl == null ? null
                : new NearCache<>(builder.nearTtl.toNanos(), builder.nearMaxEntries, builder.ticker);
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
        long start = ticker.read();
        if (store == null) {
            bypasses.increment();
            return new Lookup<>(load(loader), Outcome.BYPASS, 0);
        }
        long generation;
        try {
            generation = generations.current(scope);
        } catch (CacheUnavailableException e) {
            return bypass(key, loader, e, start);
        }
        observe(generation);
        String fullKey = key.render(namespace, generation);
        if (near != null) {
            T value = near.get(fullKey);
            if (value != null && usable.test(value)) {
                hits.increment();
                nearHits.increment();
                return new Lookup<>(value, Outcome.HIT, ticker.read() - start);
            }
        }
        byte[] keyBytes = RedisStore.utf8(fullKey);
        byte[] raw;
        try {
            raw = store.get(keyBytes);
        } catch (CacheUnavailableException e) {
            return bypass(key, loader, e, start);
        }
        T cached = raw == null ? null : decode(raw);
        if (cached != null && usable.test(cached)) {
            hits.increment();
            remember(fullKey, cached);
            return new Lookup<>(cached, Outcome.HIT, ticker.read() - start);
        }
        misses.increment();
        Lookup<T> loaded = singleFlight(fullKey, Outcome.MISS, ticker.read() - start,
                () -> lockTtlMillis > 0 ? loadUnderLock(fullKey, keyBytes, loader, usable)
                        : loadAndStore(keyBytes, loader, 0));
        remember(fullKey, loaded.value());
        return loaded;
    }

    /**
     * Stores {@code value} for {@code key} with the usual TTL, as a load would: for a value brought up to date by
     * the caller instead of loaded. Redis trouble is counted and otherwise ignored.
     */
    public void put(CacheKey key, T value) {
        Objects.requireNonNull(value, "value");
        requireOwn(key);
        if (store == null) {
            return;
        }
        try {
            String fullKey = key.render(namespace, generations.current(scope));
            store.set(RedisStore.utf8(fullKey), codec.encode(value), ttlFor(value));
            remember(fullKey, value);
        } catch (CacheUnavailableException e) {
            failed(e);
        }
    }

    private void requireOwn(CacheKey key) {
        if (!key.cache().equals(name)) {
            throw new IllegalArgumentException("key of cache '" + key.cache() + "' given to cache '" + name + "'");
        }
    }

    /** A snapshot of this cache's counters. */
    public CacheStats stats() {
        return new CacheStats(name, hits.sum(), nearHits.sum(), misses.sum(), loads.sum(), loadFailures.sum(),
                redisErrors.sum(), bypasses.sum(), invalidations.sum(), loadNanos.sum());
    }

    String describe() {
        return "ttl=" + ttlMillis + "ms empty_ttl=" + emptyTtlMillis + "ms jitter=" + jitter + " scope=" + scope
                + " lock=" + (lockTtlMillis > 0 ? lockTtlMillis + "ms" : "off")
                + " near=" + (near != null ? "on" : "off") + " redis=" + (store != null ? "on" : "off");
    }

    private Lookup<T> bypass(CacheKey key, Loader<T> loader, CacheUnavailableException cause, long start) {
        failed(cause);
        bypasses.increment();
        return singleFlight(key, Outcome.BYPASS, ticker.read() - start, () -> new Loaded<>(load(loader), 0));
    }

    /**
     * Runs {@code leader} unless a load for {@code flightKey} is already running in this process, in which
     * case it waits for that one. The entry is removed once done, so a failure is not remembered.
     */
    private Lookup<T> singleFlight(Object flightKey, Outcome outcome, long cacheNanos, Supplier<Loaded<T>> leader) {
        SingleFlight.Result<Loaded<T>> flight = inFlight.run(flightKey, leader);
        long nanos = flight.led() ? cacheNanos + flight.value().cacheNanos() : cacheNanos;
        return new Lookup<>(flight.value().value(), outcome, nanos);
    }

    /**
     * Takes the entry's lock, so one process loads while the others poll for its value. A process that
     * cannot get the lock retries it between polls (the holder may have failed) and, once its wait is
     * used up, loads by itself: a stuck holder delays requests by at most the wait, never fails them.
     */
    private Loaded<T> loadUnderLock(String fullKey, byte[] keyBytes, Loader<T> loader, Predicate<? super T> usable) {
        String lockKey = fullKey + LOCK_SUFFIX;
        String token = token();
        long cacheNanos = 0;
        for (int attempt = 0; ; attempt++) {
            long t0 = ticker.read();
            boolean locked;
            try {
                locked = store.tryLock(lockKey, token, lockTtlMillis);
            } catch (CacheUnavailableException e) {
                failed(e);
                break;
            }
            cacheNanos += ticker.read() - t0;
            if (locked) {
                return loadHoldingLock(lockKey, token, keyBytes, loader, usable, cacheNanos);
            }
            if (attempt >= lockPolls || !pause(lockPollMillis)) {
                break;
            }
            long t1 = ticker.read();
            T value = read(keyBytes);
            cacheNanos += ticker.read() - t1;
            if (value != null && usable.test(value)) {
                return new Loaded<>(value, cacheNanos);
            }
        }
        return loadAndStore(keyBytes, loader, cacheNanos);
    }

    private Loaded<T> loadHoldingLock(String lockKey, String token, byte[] keyBytes, Loader<T> loader,
                                      Predicate<? super T> usable, long cacheNanos) {
        Loaded<T> loaded;
        try {
            // Another process may have stored the value between our miss and our lock.
            long t0 = ticker.read();
            T already = read(keyBytes);
            long readNanos = ticker.read() - t0;
            loaded = already != null && usable.test(already)
                    ? new Loaded<>(already, cacheNanos + readNanos)
                    : loadAndStore(keyBytes, loader, cacheNanos + readNanos);
        } finally {
            try {
                store.unlock(lockKey, token);
            } catch (CacheUnavailableException e) {
                failed(e);
            }
        }
        return loaded;
    }

    private Loaded<T> loadAndStore(byte[] keyBytes, Loader<T> loader, long cacheNanos) {
        T value = load(loader);
        long t0 = ticker.read();
        byte[] bytes = codec.encode(value);
        try {
            store.set(keyBytes, bytes, ttlFor(value));
        } catch (CacheUnavailableException e) {
            failed(e);
        }
        return new Loaded<>(value, cacheNanos + ticker.read() - t0);
    }

    private T load(Loader<T> loader) {
        loads.increment();
        long t0 = ticker.read();
        try {
            return Objects.requireNonNull(loader.load(), () -> "loader of cache '" + name + "' returned null");
        } catch (RuntimeException | Error e) {
            loadFailures.increment();
            throw e;
        } finally {
            loadNanos.add(ticker.read() - t0);
        }
    }

    /** GET and decode, or null when there is no (readable) value or Redis fails. */
    private T read(byte[] keyBytes) {
        try {
            byte[] raw = store.get(keyBytes);
            return raw == null ? null : decode(raw);
        } catch (CacheUnavailableException e) {
            failed(e);
            return null;
        }
    }

    private T decode(byte[] raw) {
        try {
            return codec.decode(raw);
        } catch (RuntimeException e) {
            // An unreadable entry is a miss; the load that follows overwrites it.
            LOG.debug("cache {}: unreadable entry treated as a miss: {}", name, e.toString());
            return null;
        }
    }

    private void remember(String fullKey, T value) {
        if (near != null) {
            near.put(fullKey, value);
        }
    }

    private void failed(CacheUnavailableException e) {
        if (!e.breakerOpen()) {
            redisErrors.increment();
        }
    }

    private void observe(long generation) {
        long last = lastGeneration.get();
        if (last != generation && lastGeneration.compareAndSet(last, generation) && last != UNSEEN) {
            invalidations.increment();
        }
    }

    long ttlFor(T value) {
        long base = isEmpty != null && isEmpty.test(value) ? emptyTtlMillis : ttlMillis;
        if (jitter == 0) {
            return base;
        }
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(1, Math.round(base * factor));
    }

    private static String token() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    /** Sleeps on the waiting request's thread; false when interrupted, which ends the wait. */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Configures one {@link Cached}; {@link #build} registers it with its {@link Caches}. Defaults: TTL
     * 30 s, jitter ±10 %, empty values kept as long as others, no cross-process lock, scope = the name,
     * no near-cache, the system ticker.
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
