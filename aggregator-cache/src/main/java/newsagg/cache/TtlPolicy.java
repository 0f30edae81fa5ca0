package newsagg.cache;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * How long a stored value lives: the TTL, or the shorter one for values {@code isEmpty} accepts, spread uniformly
 * over ±{@code jitter} of itself so that entries written together do not expire together.
 */
final class TtlPolicy<T> {

    private final long ttlMillis;
    private final long emptyTtlMillis;
    private final Predicate<? super T> isEmpty;
    private final double jitter;

    /** {@code isEmpty} null keeps every value for {@code ttlMillis}. */
    TtlPolicy(long ttlMillis, long emptyTtlMillis, Predicate<? super T> isEmpty, double jitter) {
        this.ttlMillis = ttlMillis;
        this.emptyTtlMillis = emptyTtlMillis;
        this.isEmpty = isEmpty;
        this.jitter = jitter;
    }

    long ttlFor(T value) {
        long base = isEmpty != null && isEmpty.test(value) ? emptyTtlMillis : ttlMillis;
        if (jitter == 0) {
            return base;
        }
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(1, Math.round(base * factor));
    }

    String describe() {
        return "ttl=" + ttlMillis + "ms empty_ttl=" + emptyTtlMillis + "ms jitter=" + jitter;
    }
}
