package newsagg.core.query;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import newsagg.core.query.NewsQueries.ChangeMark;
import newsagg.core.query.NewsQueries.Page;
import newsagg.core.query.NewsQueries.SearchHit;

/**
 * A search answer together with what it takes to bring it up to date from the articles stored since, instead of
 * searching again ({@link NewsQueries#searchSince}): the {@link ChangeMark} and the highest article id it was
 * computed at, the best {@code limit + 1} matches (one more than a page, which decides the next cursor), and how
 * many matches were ranked and the oldest of them, since only the newest
 * {@value JdbiNewsQueries#SEARCH_CANDIDATES} are.
 *
 * @param candidates how many matches were ranked (at most the candidate bound)
 * @param oldestAt   publication time of the oldest ranked match, null when there was none
 * @param oldestId   id of the oldest ranked match, 0 when there was none
 */
public record SearchSnapshot(String query, int limit, String cursor, ChangeMark mark, long maxId,
                             List<RankedHit> hits, int candidates, Instant oldestAt, long oldestId) {

    public SearchSnapshot {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(mark, "mark");
        hits = List.copyOf(hits);
    }

    /** A hit with the rank exactly as PostgreSQL ordered it ({@code real}), which the next cursor carries. */
    public record RankedHit(float rank, SearchHit hit) {
    }

    /** The page this snapshot answers: the first {@code limit} hits, and a cursor when there is one more. */
    public Page<SearchHit> page() {
        return page(hits, limit);
    }

    static Page<SearchHit> page(List<RankedHit> hits, int limit) {
        List<SearchHit> items = hits.stream().limit(limit).map(RankedHit::hit).toList();
        if (hits.size() <= limit) {
            return new Page<>(items, null);
        }
        RankedHit last = hits.get(limit - 1);
        return new Page<>(items, Cursors.search(last.rank(), last.hit().id()));
    }
}
