package newsagg.cache;

import java.time.Duration;

/**
 * Skips Redis for a cool-down after consecutive failures, so an outage costs no timeout on every request.
 * CLOSED lets every call through; {@code threshold} consecutive failures open it. OPEN refuses every call
 * until {@code coolDown} has passed; the first caller after that becomes the one probe (HALF_OPEN) and
 * everyone else is still refused. The probe's success closes the breaker, its failure opens it again. A
 * probe that never reports back is replaced after another cool-down, so the breaker cannot stick half-open.
 */
final class CircuitBreaker {

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final long coolDownNanos;
    private final Ticker ticker;

    private volatile State state = State.CLOSED;
    // Guarded by this; read without the lock only on the CLOSED fast path.
    private volatile int consecutiveFailures;
    private long changedAt;

    CircuitBreaker(int threshold, Duration coolDown, Ticker ticker) {
        if (threshold < 1) {
            throw new IllegalArgumentException("breaker threshold must be at least 1, was " + threshold);
        }
        if (coolDown.isNegative() || coolDown.isZero()) {
            throw new IllegalArgumentException("breaker cool-down must be positive, was " + coolDown);
        }
        this.threshold = threshold;
        this.coolDownNanos = coolDown.toNanos();
        this.ticker = ticker;
    }

    /** Whether the caller may try Redis now; a caller that gets {@code true} must report the result. */
    boolean tryAcquire() {
        if (state == State.CLOSED) {
            return true;
        }
        synchronized (this) {
            long now = ticker.read();
            switch (state) {
                case CLOSED:
                    return true;
                case OPEN:
                case HALF_OPEN:
                    if (now - changedAt >= coolDownNanos) {
                        state = State.HALF_OPEN;
                        changedAt = now;
                        return true;
                    }
                    return false;
                default:
                    throw new IllegalStateException(state.name());
            }
        }
    }

    void onSuccess() {
        if (state == State.CLOSED && consecutiveFailures == 0) {
            return;
        }
        synchronized (this) {
            consecutiveFailures = 0;
            state = State.CLOSED;
        }
    }

    void onFailure() {
        synchronized (this) {
            int failures = consecutiveFailures + 1;
            consecutiveFailures = failures;
            if (state == State.HALF_OPEN || (state == State.CLOSED && failures >= threshold)) {
                state = State.OPEN;
                changedAt = ticker.read();
            }
        }
    }

    State state() {
        return state;
    }
}
