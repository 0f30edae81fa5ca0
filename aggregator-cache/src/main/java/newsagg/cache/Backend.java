package newsagg.cache;

import java.util.function.Predicate;

/**
 * What a {@link Cached} does with a lookup once it has checked its arguments: {@link ReadThrough} reads and fills
 * Redis, {@link PassThrough} (the cache switched off) calls the loader every time. The time spent in the cache goes
 * to {@code watch}.
 */
interface Backend<T> {

    Lookup<T> get(CacheKey key, Loader<T> loader, Predicate<? super T> usable, Stopwatch watch);

    void put(CacheKey key, T value, Stopwatch watch);

    /** Keeps {@code value} in this process's near-cache only; false when there is none ({@link Cached#putNear}). */
    boolean putNear(CacheKey key, T value, Stopwatch watch);

    /** The settings that matter to this backend, for the startup log. */
    String describe();
}
