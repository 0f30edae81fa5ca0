package newsagg.cache;

/**
 * Receives the time a cache call spent in the cache itself (Redis round trips, waiting for a pooled connection,
 * encoding and decoding; not the loader, nor the wait for another caller's load), once per {@link Cached#get} or
 * {@link Cached#put}, as stage {@link #STAGE}. A server attributes it to the request being served, as it does the
 * core's SQL time, without this module knowing anything about HTTP. Implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface CacheTimer {

    /** The stage name for time spent in the cache. */
    String STAGE = "cache";

    /** A timer that records nothing. */
    CacheTimer NONE = (stage, nanos) -> { };

    /** Adds {@code nanos} to {@code stage} of the current unit of work, if there is one. */
    void add(String stage, long nanos);
}
