package newsagg.cache;

/**
 * Records what a {@link Cached} does, for its {@link CacheStats}; the counterpart of Caffeine's {@code StatsCounter}.
 * {@link ConcurrentStatsCounter} counts; {@link #disabled()} drops everything, for a cache built with
 * {@code recordStats(false)}. Implementations must be thread-safe and cheap: every lookup calls them.
 */
interface StatsCounter {

    /** A value served from the cache; {@code near} when from the in-process near-cache rather than Redis. */
    void recordHit(boolean near);

    /** A lookup the cache answered without a usable value. */
    void recordMiss();

    /** A loader call that returned a value after {@code nanos}. */
    void recordLoadSuccess(long nanos);

    /** A loader call that threw (or returned null) after {@code nanos}. */
    void recordLoadFailure(long nanos);

    /** A lookup served without the cache. */
    void recordBypass();

    /** A Redis command that was tried and failed. */
    void recordRedisError();

    /** A change of the generation this cache has seen. */
    void recordInvalidation();

    /** The counters so far, under {@code name}. */
    CacheStats snapshot(String name);

    /** Counts {@code failure} unless Redis was not even tried because the circuit breaker is open. */
    default void recordRedisFailure(CacheUnavailableException failure) {
        if (!failure.breakerOpen()) {
            recordRedisError();
        }
    }

    /** A counter that records nothing; its snapshot is all zeros. */
    static StatsCounter disabled() {
        return Disabled.INSTANCE;
    }

    /** The no-op counter. */
    enum Disabled implements StatsCounter {
        INSTANCE;

        @Override
        public void recordHit(boolean near) {
        }

        @Override
        public void recordMiss() {
        }

        @Override
        public void recordLoadSuccess(long nanos) {
        }

        @Override
        public void recordLoadFailure(long nanos) {
        }

        @Override
        public void recordBypass() {
        }

        @Override
        public void recordRedisError() {
        }

        @Override
        public void recordInvalidation() {
        }

        @Override
        public CacheStats snapshot(String name) {
            return new CacheStats(name, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }
}
