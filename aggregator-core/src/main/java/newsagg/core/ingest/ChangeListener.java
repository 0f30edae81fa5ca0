package newsagg.core.ingest;

/**
 * Told by {@link FeedIngester} after a refresh stored new or changed articles of a source, so that whatever caches
 * read results (the Redis cache bumps a generation counter) can drop what the change made stale. It is not called
 * when a refresh changed nothing. Called on a poller worker thread after the articles are committed; implementations
 * must be thread-safe and quick, and an exception they throw is logged and otherwise ignored.
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
}
