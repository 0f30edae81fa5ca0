package newsagg.core.ingest.parse;

import java.time.Duration;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;

/**
 * The moment by which the parse and normalization of one feed must be done. The parser checks it between XML events
 * and the normalizer between items, so a feed that would take too long fails at the deadline with a plain message
 * instead of holding a worker. An interrupted thread (a graceful stop) also ends the work at the next check. Not
 * thread-safe; one per feed.
 */
public final class ParseDeadline {
    private final long endNanos;
    private final Duration limit;

    private ParseDeadline(Duration limit) {
        this.limit = limit;
        this.endNanos = System.nanoTime() + limit.toNanos();
    }

    /** A deadline {@code limit} from now. */
    public static ParseDeadline start(Duration limit) {
        return new ParseDeadline(limit);
    }

    /**
     * Throws when the deadline has passed or the thread was interrupted.
     *
     * @throws FeedParseException with a plain message saying which
     */
    public void check() throws FeedParseException {
        if (Thread.currentThread().isInterrupted()) {
            throw new FeedParseException("reading the feed was interrupted because the server is stopping");
        }
        if (System.nanoTime() - endNanos > 0) {
            String allowed = limit.toSeconds() >= 1 ? limit.toSeconds() + " seconds" : limit.toMillis() + " ms";
            throw new FeedParseException("the feed took longer than " + allowed + " to read, so it was given up");
        }
    }
}
