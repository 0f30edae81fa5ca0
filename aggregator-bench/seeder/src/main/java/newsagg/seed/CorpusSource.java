package newsagg.seed;

import java.time.Instant;

/**
 * One generated source, before it has a database id.
 *
 * @param number        1-based position in the corpus; also the activity rank (source 1 publishes the most)
 * @param title         a plausible newspaper name, e.g. "The Daily Ledger"
 * @param feedUrl       {@code https://example-news-<number>.test/feed.xml}; the .test TLD never resolves
 * @param siteUrl       {@code https://example-news-<number>.test/}
 * @param createdAt     when the source was added, before the window starts
 * @param lastFetchedAt the last fetch, shortly before {@code now}
 * @param nextFetchAt   the next scheduled fetch, shortly after {@code now}
 */
public record CorpusSource(int number, String title, String feedUrl, String siteUrl, Instant createdAt,
                           Instant lastFetchedAt, Instant nextFetchAt) {
}
