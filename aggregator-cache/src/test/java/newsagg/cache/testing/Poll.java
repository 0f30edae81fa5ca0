package newsagg.cache.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until a deadline instead of sleeping for a guessed time. */
public final class Poll {

    private static final long INTERVAL_NANOS = Duration.ofMillis(20).toNanos();

    private Poll() {
    }

    /** True as soon as {@code condition} holds, false when {@code deadline} passes first. */
    public static boolean until(BooleanSupplier condition, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            // A short pause between probes keeps the poll from loading the machine it is watching.
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }
}
