package newsagg.core.ingest.parse;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import newsagg.core.domain.DroppedItems;

/**
 * A feed as parsed, format-independent and not yet normalized.
 *
 * @param format  the detected format
 * @param title   the feed's title as written, null when absent
 * @param siteUrl the channel / alternate / home page link as written (maybe relative), null when absent
 * @param entries the items in document order, at most {@link ParseLimits#maxItems()} of them
 * @param dropped the items counted but not read because they lay past a {@link ParseLimits} budget
 */
public record ParsedFeed(FeedFormat format, String title, String siteUrl, List<RawEntry> entries,
                         DroppedItems dropped) {
    public ParsedFeed {
        entries = List.copyOf(entries);
        Objects.requireNonNull(dropped, "dropped");
    }

    /** A feed of which every item was read. */
    public ParsedFeed(FeedFormat format, String title, String siteUrl, List<RawEntry> entries) {
        this(format, title, siteUrl, entries, DroppedItems.NONE);
    }

    /** The syndication format a body was detected as, by sniffing its content rather than its Content-Type. */
    public enum FeedFormat {
        RSS_0_9X, RSS_1_0, RSS_2_0, ATOM_0_3, ATOM_1_0, JSON_FEED_1_0, JSON_FEED_1_1
    }

    /**
     * One item or entry as the feed wrote it, before normalization: strings are untrimmed, links are
     * unresolved, HTML is unsanitized. The normalizer turns it into a stored article.
     *
     * @param id          the item's GUID / Atom id / JSON Feed id, null when absent
     * @param link        the item's link as written (maybe relative), null when absent
     * @param xmlBases    the {@code xml:base} values in scope for the item, outermost first (empty when none)
     * @param title       the title as written, may contain markup or entities, null when absent
     * @param summaryHtml description / Atom summary / JSON Feed summary, null when absent
     * @param contentHtml full content (content:encoded, Atom content, content_html), null when absent
     * @param authors     author names in feed order
     * @param categories  category labels in feed order
     * @param dateText    the raw publication (else update) date string, null when absent
     * @param parsedDate  the date as the underlying library parsed it, null when it did not, or when it was not asked
     *                    because {@code dateText} has a shape {@link DateParser} knows
     * @param linkBase    the {@code xml:base} of the link element itself, applied after {@code xmlBases}; null when
     *                    none
     * @param contentBase the {@code xml:base} of the content (else summary) element itself; null when none
     */
    public record RawEntry(String id, String link, List<String> xmlBases, String title, String summaryHtml,
                           String contentHtml, List<String> authors, List<String> categories, String dateText,
                           Instant parsedDate, String linkBase, String contentBase) {
        public RawEntry {
            xmlBases = List.copyOf(xmlBases);
            authors = List.copyOf(authors);
            categories = List.copyOf(categories);
        }

        /** An entry whose link and content elements carry no {@code xml:base} of their own. */
        public RawEntry(String id, String link, List<String> xmlBases, String title, String summaryHtml,
                        String contentHtml, List<String> authors, List<String> categories, String dateText,
                        Instant parsedDate) {
            this(id, link, xmlBases, title, summaryHtml, contentHtml, authors, categories, dateText, parsedDate, null,
                    null);
        }
    }
}
