package newsagg.http;

import java.util.ArrayList;
import java.util.List;
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
 * nothing Redis forgets can bring an older one back. It also remembers when this process first saw each of the last
 * {@value #HISTORY} sequences, so that {@link #behindNanos} can say how long an answer has been behind.
 */
final class ChangeMarks {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeMarks.class);

    /** How many sequence changes are remembered: at one read per 100 ms, the last 6 s or more. */
    static final int HISTORY = 64;

    /** {@code seq} was first seen by this process at {@code seenAt} ({@link System#nanoTime}). */
    private record Change(long seq, long seenAt) {
    }

    /** The mark at hand, when it was read, and the sequences seen before it, oldest first, ending with its own. */
    private record Seen(ChangeMark mark, long readAt, List<Change> changes) {
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

    /**
     * How long this process has known of a change that an answer including everything up to {@code seq} lacks: 0
     * when the mark at hand is not past {@code seq}, and {@link Long#MAX_VALUE} when that change is older than what
     * is remembered (or came before this process first read the mark), so that a caller treats it as too old.
     */
    long behindNanos(long seq) {
        Seen last = seen;
        if (last == null || last.mark.seq() <= seq) {
            return 0;
        }
        List<Change> changes = last.changes;
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i).seq() > seq) {
                return i == 0 ? Long.MAX_VALUE : System.nanoTime() - changes.get(i).seenAt();
            }
        }
        return 0;
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
            seen = new Seen(mark, at, changes(last, mark.seq(), at));
            return mark;
        } catch (RuntimeException e) {
            if (last == null) {
                throw e;
            }
            LOG.debug("change mark not read, the previous one stays in use: {}", e.toString());
            return last.mark;
        }
    }

    /** The history with {@code seq} appended when it is new; copied, at most once per read, so readers need no lock. */
    private static List<Change> changes(Seen last, long seq, long at) {
        if (last == null) {
            return List.of(new Change(seq, at));
        }
        List<Change> before = last.changes;
        if (before.get(before.size() - 1).seq() == seq) {
            return before;
        }
        List<Change> after = new ArrayList<>(before.subList(Math.max(0, before.size() + 1 - HISTORY), before.size()));
        after.add(new Change(seq, at));
        return List.copyOf(after);
    }
}
