package newsagg.core.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it until a deadline, instead of sleeping for a guessed time: the test
 * goes on as soon as the condition holds, and fails with a clear answer when it never does.
 */
public final class Poll {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {
    }

    /** Probes until {@code done} accepts a result or {@code deadline} passes; returns whether it did. */
    public static <T> boolean until(Supplier<T> probe, Predicate<T> done, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (done.test(probe.get())) {
                return true;
            }
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            // A short pause between probes keeps the poll from loading the system it is watching.
            LockSupport.parkNanos(INTERVAL.toNanos());
        }
    }
}
