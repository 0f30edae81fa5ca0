package newsagg.core.query;

import java.time.Instant;

/** A source as the sources listing shows it. */
public record SourceSummary(long id, String title, String feedUrl, String siteUrl, long articleCount,
                            Instant lastFetchedAt, String lastError) {
}
