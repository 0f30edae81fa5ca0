package newsagg.core.ingest;

/**
 * Told when stored data changed, so that whatever caches read results (the HTTP layer's response caches) can drop
 * what the change made stale. {@link FeedIngester} reports the articles a refresh stored, after they are committed,
 * and not when a refresh changed nothing; {@link Subscriptions} reports every source it added or removed.
 * Called on the thread that made the change (a poller worker, a request thread); implementations must be
 * thread-safe and quick, and an exception they throw from {@link #articlesChanged} is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ChangeListener {

    /** A listener that does nothing. */
    ChangeListener NONE = (sourceId, inserted, updated) -> { };

    /**
     * Articles of a source were stored.
     *
     * @param sourceId the source whose articles changed
     * @param inserted how many articles were new
     * @param updated  how many stored articles changed
     */
    void articlesChanged(long sourceId, int inserted, int updated);

    /**
     * Sources were added or removed. Does nothing by default, for listeners that only follow articles; a cache whose
     * answers list sources must override it.
     */
    default void sourcesChanged() {
    }
}
