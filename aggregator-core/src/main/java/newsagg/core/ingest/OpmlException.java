package newsagg.core.ingest;

/**
 * An OPML document that cannot be imported: not well-formed XML, not OPML, too large, or refused for safety (a
 * DOCTYPE). The message is one short sentence fit for an API client; it never carries a stack trace or the input.
 */
public final class OpmlException extends Exception {
    private static final long serialVersionUID = 1L;

    public OpmlException(String message) {
        super(message, null, false, false);
    }
}
