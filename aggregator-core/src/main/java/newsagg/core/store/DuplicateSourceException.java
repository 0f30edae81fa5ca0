package newsagg.core.store;

/** Thrown when a source is added with a feed URL that another source already has. */
public final class DuplicateSourceException extends RuntimeException {

    private final String feedUrl;

    public DuplicateSourceException(String feedUrl, Throwable cause) {
        super("a source with feed URL " + feedUrl + " already exists", cause);
        this.feedUrl = feedUrl;
    }

    /** The feed URL that is already taken. */
    public String feedUrl() {
        return feedUrl;
    }
}
