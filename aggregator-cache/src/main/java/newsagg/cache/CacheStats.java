package newsagg.cache;

/**
 * A snapshot of one cache's counters since it was built, for metrics export. Every counter only grows.
 * {@code hits} includes {@code nearHits}; {@code misses} counts calls the cache answered without a value;
 * {@code loads} counts loader calls (successful or not), so with single-flight it can be far below
 * {@code misses}; {@code totalLoadNanos} sums the loader's time. {@code bypasses} counts calls served
 * without the cache; {@code redisErrors} counts failed Redis commands; {@code invalidations} counts changes
 * of the generation this cache has seen.
 */
public record CacheStats(String name, long hits, long nearHits, long misses, long loads, long loadFailures,
                         long redisErrors, long bypasses, long invalidations, long totalLoadNanos) {

    /** Calls that looked the value up, served by the cache or not. */
    public long requestCount() {
        return hits + misses;
    }

    /** Hits over lookups, or 0 before the first lookup. */
    public double hitRatio() {
        long requests = requestCount();
        return requests == 0 ? 0.0 : (double) hits / requests;
    }
}
