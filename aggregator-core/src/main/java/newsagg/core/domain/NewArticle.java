package newsagg.core.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An article ready to be stored: normalized, sanitized, and carrying the key that makes it exist
 * once per source. Ingestion and the corpus generator both produce these.
 *
 * @param dedupeKey   stable identity within a source (GUID, else link, else a content hash)
 * @param guid        the feed's identifier, may be null
 * @param url         canonical http(s) link, may be null
 * @param title       normalized title
 * @param summary     plain text, at most {@link #SUMMARY_MAX_CHARS} characters
 * @param contentHtml sanitized HTML, at most {@link #CONTENT_HTML_MAX_BYTES} bytes of UTF-8
 * @param author      may be null
 * @param publishedAt publication time, already clamped to {@code fetchedAt}
 * @param fetchedAt   fetch time
 * @param categories  categories in feed order
 */
public record NewArticle(String dedupeKey, String guid, String url, String title, String summary,
                         String contentHtml, String author, Instant publishedAt, Instant fetchedAt,
                         List<String> categories) {
    /** The longest plain-text summary newsagg stores. */
    public static final int SUMMARY_MAX_CHARS = 500;
    /**
     * The most UTF-8 bytes of sanitized HTML newsagg stores for one article (1 MiB); longer content is cut between
     * elements, never inside a tag, an entity or a character. See docs/INGESTION.md.
     */
    public static final int CONTENT_HTML_MAX_BYTES = 1 << 20;

    public NewArticle {
        Objects.requireNonNull(dedupeKey, "dedupeKey");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(contentHtml, "contentHtml");
        Objects.requireNonNull(publishedAt, "publishedAt");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        if (summary.length() > SUMMARY_MAX_CHARS) {
            throw new IllegalArgumentException("summary longer than " + SUMMARY_MAX_CHARS + " characters");
        }
        categories = List.copyOf(categories);
    }
}
