package newsagg.core.ingest.parse;

import java.time.Duration;
import java.util.Objects;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;

/**
 * The memory and CPU budget of parsing one feed, enforced while the document is read rather than after: the parser
 * stops reading items at {@code maxItems}, rejects nesting deeper than {@code maxDepth} as soon as it is seen, keeps
 * at most {@code maxFieldChars} of any one field (text plus a fixed cost per element) and at most
 * {@code maxDocumentChars} of the whole document, and gives up when {@code deadline} has passed since parsing began.
 * docs/INGESTION.md gives each value and the reason for it.
 *
 * @param maxItems         items or entries read from one feed; the rest are counted as dropped, not parsed
 * @param maxDepth         deepest element nesting accepted, the root being depth 1
 * @param maxFieldChars    characters kept of one field (a child of an item or of the channel) with its markup
 * @param maxDocumentChars characters kept of the whole document; items past it are counted as dropped
 * @param deadline         the longest parse and normalization of one feed may take
 */
public record ParseLimits(int maxItems, int maxDepth, int maxFieldChars, int maxDocumentChars, Duration deadline) {

    /** The limits ingestion runs with. */
    public static final ParseLimits DEFAULTS = new ParseLimits(1000, 128, 1 << 20, 16 << 20, Duration.ofSeconds(20));

    /** What one element costs against the field and document budgets, beside its attributes' text. */
    static final int ELEMENT_COST = 32;

    public ParseLimits {
        requirePositive(maxItems, "maxItems");
        requirePositive(maxDepth, "maxDepth");
        requirePositive(maxFieldChars, "maxFieldChars");
        requirePositive(maxDocumentChars, "maxDocumentChars");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
    }

    /** A copy with {@code maxItems} replaced. */
    public ParseLimits withMaxItems(int maxItems) {
        return new ParseLimits(maxItems, maxDepth, maxFieldChars, maxDocumentChars, deadline);
    }

    /** A copy with {@code deadline} replaced. */
    ParseLimits withDeadline(Duration deadline) {
        return new ParseLimits(maxItems, maxDepth, maxFieldChars, maxDocumentChars, deadline);
    }

    private static void requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /**
     * The moment by which the parse and normalization of one feed must be done. The parser checks it between XML events
     * and the normalizer between items, so a feed that would take too long fails at the deadline with a plain message
     * instead of holding a worker. An interrupted thread (a graceful stop) also ends the work at the next check. Not
     * thread-safe; one per feed.
     */
    public static final class ParseDeadline {
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
}
