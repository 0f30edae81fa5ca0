package newsagg.core.ingest;

import java.util.Locale;
import java.util.Objects;
import newsagg.core.domain.DroppedItems;

/**
 * The outcome of refreshing one source: whether the feed was fetched and stored ({@link Status#OK}), unchanged since
 * the last fetch ({@link Status#NOT_MODIFIED}) or failed ({@link Status#ERROR}), how many articles were inserted and
 * updated, and on failure the short message that was also recorded as the source's last error.
 *
 * @param status   what happened
 * @param inserted new articles stored; 0 unless OK
 * @param updated  stored articles that changed; 0 unless OK
 * @param error    the failure message when the status is ERROR, else null
 * @param dropped  items of the feed that were not stored, by reason; none unless OK
 */
public record RefreshResult(Status status, int inserted, int updated, String error, DroppedItems dropped) {

    /** What a refresh came to. */
    public enum Status {
        /** The feed was fetched, parsed and stored (possibly with no new or changed articles). */
        OK,
        /** The server answered 304 Not Modified to the conditional GET. */
        NOT_MODIFIED,
        /** The fetch, the parse or the storing failed; the source's error count went up. */
        ERROR;

        /** The name used on the wire: {@code ok}, {@code not_modified} or {@code error}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RefreshResult {
        Objects.requireNonNull(status, "status");
        if (inserted < 0 || updated < 0) {
            throw new IllegalArgumentException("counts must be >= 0, were " + inserted + " and " + updated);
        }
        if ((status == Status.ERROR) != (error != null)) {
            throw new IllegalArgumentException("an error message is required for ERROR and only for ERROR");
        }
        Objects.requireNonNull(dropped, "dropped");
    }

    /** A successful fetch that stored {@code inserted} new and {@code updated} changed articles. */
    static RefreshResult ok(int inserted, int updated) {
        return ok(inserted, updated, DroppedItems.NONE);
    }

    /** A successful fetch that stored {@code inserted} new and {@code updated} changed articles and dropped others. */
    static RefreshResult ok(int inserted, int updated, DroppedItems dropped) {
        return new RefreshResult(Status.OK, inserted, updated, null, dropped);
    }

    /** A 304 Not Modified. */
    static RefreshResult notModified() {
        return new RefreshResult(Status.NOT_MODIFIED, 0, 0, null, DroppedItems.NONE);
    }

    /** A failure with this message. */
    public static RefreshResult error(String message) {
        return new RefreshResult(Status.ERROR, 0, 0, Objects.requireNonNull(message, "message"), DroppedItems.NONE);
    }
}
