package newsagg.core.query;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A source as the sources listing shows it.
 *
 * @param lastFetchDroppedItems   how many items of the last fetch that was read were not stored
 * @param lastFetchDroppedReasons those items by reason ({@code item_limit}, {@code size_limit}, {@code unreadable},
 *                                {@code refused_by_database}); empty when none was dropped
 */
public record SourceSummary(long id, String title, String feedUrl, String siteUrl, long articleCount,
                            Instant lastFetchedAt, String lastError, int lastFetchDroppedItems,
                            Map<String, Integer> lastFetchDroppedReasons) {
    public SourceSummary {
        lastFetchDroppedReasons = Collections.unmodifiableMap(new LinkedHashMap<>(lastFetchDroppedReasons));
    }
}
