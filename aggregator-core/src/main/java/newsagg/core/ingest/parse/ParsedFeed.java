package newsagg.core.ingest.parse;

import java.util.List;

/**
 * A feed as parsed, format-independent and not yet normalized.
 *
 * @param format  the detected format
 * @param title   the feed's title as written, null when absent
 * @param siteUrl the channel / alternate / home page link as written (maybe relative), null when absent
 * @param entries the items in document order
 */
public record ParsedFeed(FeedFormat format, String title, String siteUrl, List<RawEntry> entries) {
    public ParsedFeed {
        entries = List.copyOf(entries);
    }
}
