package newsagg.core.ingest;

import java.util.List;

/**
 * What one {@link FeedPoller#pollOnce()} did: how many sources it refreshed, how they came out, and how many articles
 * were inserted and updated in all.
 *
 * @param refreshed   sources refreshed
 * @param ok          refreshes that fetched and stored a feed
 * @param notModified refreshes answered with 304
 * @param errors      refreshes that failed
 * @param inserted    new articles stored
 * @param updated     stored articles that changed
 */
public record PollSummary(int refreshed, int ok, int notModified, int errors, int inserted, int updated) {

    /** Adds up refresh results. */
    public static PollSummary of(List<RefreshResult> results) {
        int ok = 0;
        int notModified = 0;
        int errors = 0;
        int inserted = 0;
        int updated = 0;
        for (RefreshResult r : results) {
            switch (r.status()) {
                case OK -> ok++;
                case NOT_MODIFIED -> notModified++;
                case ERROR -> errors++;
            }
            inserted += r.inserted();
            updated += r.updated();
        }
        return new PollSummary(results.size(), ok, notModified, errors, inserted, updated);
    }
}
