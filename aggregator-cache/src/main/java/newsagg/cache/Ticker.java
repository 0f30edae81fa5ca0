package newsagg.cache;

/**
 * A source of monotonic time in nanoseconds, as {@link System#nanoTime()} gives it. The cache reads time
 * only through this interface, so tests can drive the circuit breaker and the near-cache with a fake clock.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds since an arbitrary fixed origin; only differences are meaningful. */
    long read();

    /** The system's monotonic clock. */
    static Ticker system() {
        return System::nanoTime;
    }
}
