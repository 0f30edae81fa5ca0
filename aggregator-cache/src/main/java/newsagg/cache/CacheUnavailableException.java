package newsagg.cache;

/**
 * Redis could not be used for a cache operation: a command failed or timed out, or the circuit breaker is
 * open and the command was not even tried ({@link #breakerOpen()}). It carries no Redis client types, so
 * callers outside this package need not know the client. {@link Cached} never lets it escape.
 */
public final class CacheUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean breakerOpen;

    CacheUnavailableException(String message, boolean breakerOpen, Throwable cause) {
        super(message, cause, false, false);
        this.breakerOpen = breakerOpen;
    }

    /** True when Redis was skipped because the breaker is open, rather than tried and failed. */
    public boolean breakerOpen() {
        return breakerOpen;
    }
}
