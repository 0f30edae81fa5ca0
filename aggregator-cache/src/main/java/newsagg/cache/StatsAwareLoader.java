package newsagg.cache;

import java.util.Objects;

/**
 * Runs a cache's loaders and records each call in its {@link StatsCounter}: a success or a failure, and the time
 * it took, as Caffeine's stats-aware loader wrapping does. A loader that returns null fails here, naming the cache.
 */
final class StatsAwareLoader<T> {

    private final String cacheName;
    private final StatsCounter stats;
    private final Ticker ticker;

    StatsAwareLoader(String cacheName, StatsCounter stats, Ticker ticker) {
        this.cacheName = cacheName;
        this.stats = stats;
        this.ticker = ticker;
    }

    /** What {@code loader} returns; whatever it throws is recorded and rethrown. */
    T load(Loader<T> loader) {
        long started = ticker.read();
        T value;
        try {
            value = Objects.requireNonNull(loader.load(), () -> "loader of cache '" + cacheName + "' returned null");
        } catch (RuntimeException | Error e) {
            stats.recordLoadFailure(ticker.read() - started);
            throw e;
        }
        stats.recordLoadSuccess(ticker.read() - started);
        return value;
    }
}
