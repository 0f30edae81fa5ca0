package newsagg.core.ingest.parse;

/**
 * A body that could not be read as a feed: not a feed at all (HTML, JSON that is not a JSON Feed,
 * garbage, an empty body), malformed XML, or XML that is refused for safety (a DTD with entity
 * declarations). The message is one short human sentence meant for a per-feed error column; it never
 * carries a stack trace or the raw body. Checked, so that every caller decides what a bad feed means.
 */
public final class FeedParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public FeedParseException(String message) {
        super(message, null, false, false);
    }
}
