package newsagg.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The poller's memory of one source: the validators for a conditional GET, when it was last fetched,
 * when it is next due, and how many fetches in a row have failed.
 *
 * @param etag          the last {@code ETag}, sent back as {@code If-None-Match}; may be null
 * @param lastModified  the last {@code Last-Modified}, sent back as {@code If-Modified-Since}; may be null
 * @param lastFetchedAt when the last fetch finished, successful or not; null if never fetched
 * @param nextFetchAt   when the source is next due
 * @param errorCount    consecutive failed fetches; zero after a success
 * @param lastError     the last failure's message; null after a success
 * @param lastDropped   the items of the last fetch that was read which were not stored, by reason
 */
public record FetchState(String etag, String lastModified, Instant lastFetchedAt, Instant nextFetchAt,
                         int errorCount, String lastError, DroppedItems lastDropped) {
    public FetchState {
        Objects.requireNonNull(nextFetchAt, "nextFetchAt");
        Objects.requireNonNull(lastDropped, "lastDropped");
        if (errorCount < 0) {
            throw new IllegalArgumentException("errorCount must be >= 0, was " + errorCount);
        }
    }

    /** A fetch state of which no item was ever dropped. */
    public FetchState(String etag, String lastModified, Instant lastFetchedAt, Instant nextFetchAt, int errorCount,
                      String lastError) {
        this(etag, lastModified, lastFetchedAt, nextFetchAt, errorCount, lastError, DroppedItems.NONE);
    }
}
