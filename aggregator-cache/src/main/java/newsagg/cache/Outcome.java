package newsagg.cache;

/**
 * How a {@link Cached#get} call was served, for the {@code X-Cache} response header. {@code HIT}: the value
 * came from the cache (Redis or the near-cache). {@code MISS}: the cache answered but had no value, so it
 * came from a load (this call's own, or one it waited for in this process or another). {@code BYPASS}: the
 * cache was not consulted, because it is disabled, Redis failed, or the circuit breaker is open. {@code REFRESHED}:
 * the cache held a value that was behind, and the caller brought it up to date from what changed since, without a
 * full load, and stored it again (see {@link Cached#put}). {@code STALE}: the cache held a value that was behind, by
 * less than the caller's staleness bound, and the caller served it while it is brought up to date in the background
 * (stale-while-revalidate, RFC 5861).
 */
public enum Outcome {
    HIT, MISS, BYPASS, REFRESHED, STALE
}
