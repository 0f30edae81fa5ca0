package newsagg.http;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import newsagg.core.query.NewsQueries.ChangeMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's {@link ChangeMark} as this process last read it, at most {@code maxAgeNanos} old: the one value
 * every cached answer is checked against. Reading it is one index lookup, made by one request at a time while the
 * others go on with the previous value; when the database cannot be read, the previous value stays in use (no
 * article can be stored meanwhile either). The mark lives in PostgreSQL, next to the articles it describes, so
 * nothing Redis forgets can bring an older one back.
 */
final class ChangeMarks {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeMarks.class);

    private record Seen(ChangeMark mark, long readAt) {
    }

    private final Supplier<ChangeMark> source;
    private final long maxAgeNanos;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Seen seen;

    ChangeMarks(Supplier<ChangeMark> source, long maxAgeNanos) {
        this.source = Objects.requireNonNull(source, "source");
        this.maxAgeNanos = maxAgeNanos;
    }

    /** The mark, read again when the one at hand is older than the maximum age. */
    ChangeMark current() {
        Seen last = seen;
        if (last != null && System.nanoTime() - last.readAt < maxAgeNanos) {
            return last.mark;
        }
        if (last == null) {
            reading.lock();
        } else if (!reading.tryLock()) {
            return last.mark;
        }
        try {
            Seen again = seen;
            if (again != null && again != last) {
                return again.mark;
            }
            return read(last);
        } finally {
            reading.unlock();
        }
    }

    /** Reads the mark now: after this process stored articles or changed sources, so it sees them at once. */
    void refresh() {
        reading.lock();
        try {
            read(seen);
        } finally {
            reading.unlock();
        }
    }

    private ChangeMark read(Seen last) {
        long at = System.nanoTime();
        try {
            ChangeMark mark = source.get();
            seen = new Seen(mark, at);
            return mark;
        } catch (RuntimeException e) {
            if (last == null) {
                throw e;
            }
            LOG.debug("change mark not read, the previous one stays in use: {}", e.toString());
            return last.mark;
        }
    }
}
