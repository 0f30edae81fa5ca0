package newsagg.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * A warning that may happen on every request during an outage, logged at most once per interval with the number
 * of occurrences it stood for, so that an outage cannot flood the log or slow the hot path with logging.
 */
final class RateLimitedLog {

    private final Logger log;
    private final String event;
    private final long intervalNanos;
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, String event, Duration interval) {
        this.log = log;
        this.event = event;
        this.intervalNanos = interval.toNanos();
    }

    void warn(String detail) {
        long now = System.nanoTime();
        long next = nextLogAt.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextLogAt.compareAndSet(next, now + intervalNanos)) {
            long others = suppressed.getAndSet(0);
            if (others == 0) {
                log.warn("{}: {}", event, detail);
            } else {
                log.warn("{}: {} ({} more since the last report)", event, detail, others);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
