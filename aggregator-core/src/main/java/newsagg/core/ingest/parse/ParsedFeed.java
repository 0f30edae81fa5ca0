package newsagg.core.ingest.parse;

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
}
