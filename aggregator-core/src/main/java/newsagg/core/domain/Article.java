package newsagg.core.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored article, as ingestion normalized it.
 *
 * @param id          database id
 * @param sourceId    the source it came from
 * @param guid        the feed's own identifier for the item, when it had one
 * @param url         canonical http(s) link, when it had one
 * @param title       trimmed title with whitespace collapsed
 * @param summary     plain text, at most {@link #SUMMARY_MAX_CHARS} characters
 * @param contentHtml allowlist-sanitized HTML, at most {@link #CONTENT_HTML_MAX_BYTES} bytes of UTF-8
 * @param author      the author's name, when known
 * @param publishedAt when it was published (never later than {@code fetchedAt})
 * @param fetchedAt   when newsagg fetched it
 * @param categories  the feed's categories, in feed order
 */
public record Article(long id, long sourceId, String guid, String url, String title, String summary,
                      String contentHtml, String author, Instant publishedAt, Instant fetchedAt,
                      List<String> categories) {
    /** The longest plain-text summary newsagg stores. */
    public static final int SUMMARY_MAX_CHARS = 500;
    /**
     * The most UTF-8 bytes of sanitized HTML newsagg stores for one article (1 MiB); longer content is cut between
     * elements, never inside a tag, an entity or a character. See docs/INGESTION.md.
     */
    public static final int CONTENT_HTML_MAX_BYTES = 1 << 20;

    public Article {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(contentHtml, "contentHtml");
        Objects.requireNonNull(publishedAt, "publishedAt");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        categories = List.copyOf(categories);
    }
}
