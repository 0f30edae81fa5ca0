package newsagg.core.ingest.fetch;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When to fetch a source next. After a success it is the poll interval. After {@code n} consecutive errors it is
 * {@code pollInterval * 2^(n-1)}, capped at {@link #MAX_DELAY} (or at the poll interval when that is longer). A
 * server's {@code Retry-After} is honoured when it asks for longer, up to the same cap. The jittered variant spreads
 * retries of many failing sources by up to {@value #JITTER_FRACTION} of the backoff, from a generator the caller owns,
 * so tests can seed it.
 */
public final class Backoff {

    /** The longest a failing source is left alone. */
    static final Duration MAX_DELAY = Duration.ofHours(24);

    /** Fraction of the error backoff added at most as jitter. */
    static final double JITTER_FRACTION = 0.1;

    private Backoff() {
    }

    /**
     * The next fetch time, without jitter.
     *
     * @param now               the current time
     * @param consecutiveErrors failed fetches in a row, including the one just made; 0 after a success
     * @param pollInterval      the normal interval between fetches; positive
     * @param retryAfter        the server's {@code Retry-After}, or null
     */
    public static Instant nextFetch(Instant now, int consecutiveErrors, Duration pollInterval, Duration retryAfter) {
        return now.plus(delay(consecutiveErrors, pollInterval, retryAfter, null));
    }

    /** As {@link #nextFetch(Instant, int, Duration, Duration)}, with jitter drawn from {@code random} on errors. */
    public static Instant nextFetch(Instant now, int consecutiveErrors, Duration pollInterval, Duration retryAfter,
                                    RandomGenerator random) {
        return now.plus(delay(consecutiveErrors, pollInterval, retryAfter, Objects.requireNonNull(random, "random")));
    }

    private static Duration delay(int errors, Duration pollInterval, Duration retryAfter, RandomGenerator random) {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
        }
        if (errors < 0) {
            throw new IllegalArgumentException("consecutiveErrors must be >= 0, was " + errors);
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
        }
        Duration cap = pollInterval.compareTo(MAX_DELAY) > 0 ? pollInterval : MAX_DELAY;
        Duration delay = pollInterval;
        // Doubling stops at the cap, so a huge error count can neither overflow nor loop long.
        for (int i = 1; i < errors && delay.compareTo(cap) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        if (errors > 0 && random != null && delay.compareTo(cap) < 0) {
            long jitterNanos = (long) (delay.toNanos() * JITTER_FRACTION * random.nextDouble());
            delay = delay.plusNanos(jitterNanos);
        }
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        return delay.compareTo(cap) > 0 ? cap : delay;
    }
}
