package newsagg.core.ingest;

import java.util.List;
import java.util.Objects;

/**
 * The feeds of an OPML subscription list, flattened: every {@code <outline>} that has an {@code xmlUrl}, in document
 * order, whatever category outlines it was nested in. URLs are as written; {@link OpmlImporter} validates them.
 *
 * @param title the document's {@code <head><title>}, null when absent
 * @param feeds the feed outlines in document order
 */
public record OpmlDocument(String title, List<Feed> feeds) {

    public OpmlDocument {
        feeds = List.copyOf(feeds);
    }

    /**
     * One feed outline.
     *
     * @param xmlUrl   the feed URL as written (trimmed), never blank
     * @param title    the outline's {@code title}, else its {@code text}; null when both are absent or blank
     * @param htmlUrl  the site URL as written, null when absent or blank
     * @param category the title (or text) of the nearest enclosing outline that is not a feed, null at top level
     */
    public record Feed(String xmlUrl, String title, String htmlUrl, String category) {
        public Feed {
            Objects.requireNonNull(xmlUrl, "xmlUrl");
        }
    }
}
