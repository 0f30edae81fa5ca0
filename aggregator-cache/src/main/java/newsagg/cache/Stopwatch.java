package newsagg.cache;

/**
 * The time one cache call spends in Redis and in its codec, summed over however many commands it sends. Each call
 * has its own, so a caller that waits for another's load in {@link SingleFlight} is not charged for that load's
 * commands. Used by one thread at a time.
 */
final class Stopwatch {

    private final Ticker ticker;
    private long nanos;

    Stopwatch(Ticker ticker) {
        this.ticker = ticker;
    }

    /** A mark to pass to {@link #stop}. */
    long start() {
        return ticker.read();
    }

    /** Adds the time since {@code started} (a {@link #start} mark). */
    void stop(long started) {
        nanos += ticker.read() - started;
    }

    long nanos() {
        return nanos;
    }
}
