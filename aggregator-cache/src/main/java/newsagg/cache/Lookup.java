package newsagg.cache;

import java.util.Objects;

/**
 * The answer of {@link Cached#get}: the value, how it was served, and the nanoseconds this call spent in
 * the cache itself (Redis round trips and decoding, not the load or the wait for another caller's load): the
 * time the call has also reported to its {@link CacheTimer}.
 */
public record Lookup<T>(T value, Outcome outcome, long cacheNanos) {

    public Lookup {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(outcome, "outcome");
    }
}
