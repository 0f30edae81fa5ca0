package newsagg.core.query;

import java.time.Instant;
import java.util.List;

/**
 * Which articles a newest-first listing includes.
 *
 * @param sourceIds only these sources; empty means all
 * @param since     published at or after this instant; null means no lower bound
 * @param until     published before this instant; null means no upper bound
 */
public record ArticleFilter(List<Long> sourceIds, Instant since, Instant until) {
    /** Every article. */
    public static final ArticleFilter ALL = new ArticleFilter(List.of(), null, null);

    public ArticleFilter {
        sourceIds = List.copyOf(sourceIds);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("since must be before until");
        }
    }
}
