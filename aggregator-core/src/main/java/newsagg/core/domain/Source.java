package newsagg.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A feed that newsagg polls: where it lives, what it is called, and the state of its last fetch.
 *
 * @param id        database id
 * @param title     human-readable name, from the feed or from whoever added it
 * @param feedUrl   the http(s) URL of the feed document
 * @param siteUrl   the site the feed belongs to, when known
 * @param createdAt when the source was added
 * @param fetch     conditional-GET validators, schedule and error state
 */
public record Source(long id, String title, String feedUrl, String siteUrl, Instant createdAt, FetchState fetch) {
    public Source {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(feedUrl, "feedUrl");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(fetch, "fetch");
    }
}
