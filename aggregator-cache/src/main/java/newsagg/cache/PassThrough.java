package newsagg.cache;

import java.util.function.Predicate;

/**
 * A cache that is switched off: every lookup calls the loader and answers {@link Outcome#BYPASS}; a put is dropped.
 * It opens no connection and reads no generation.
 */
final class PassThrough<T> implements Backend<T> {

    private final StatsAwareLoader<T> loading;
    private final StatsCounter stats;

    PassThrough(StatsAwareLoader<T> loading, StatsCounter stats) {
        this.loading = loading;
        this.stats = stats;
    }

    @Override
    public Lookup<T> get(CacheKey key, Loader<T> loader, Predicate<? super T> usable, Stopwatch watch) {
        stats.recordBypass();
        return new Lookup<>(loading.load(loader), Outcome.BYPASS, 0);
    }

    @Override
    public void put(CacheKey key, T value, Stopwatch watch) {
        // Nothing keeps it.
    }

    @Override
    public boolean putNear(CacheKey key, T value, Stopwatch watch) {
        return false;
    }

    @Override
    public String describe() {
        return "redis=off";
    }
}
