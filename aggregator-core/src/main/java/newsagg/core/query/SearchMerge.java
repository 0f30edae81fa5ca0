package newsagg.core.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import newsagg.core.query.NewsQueries.ChangeMark;
import newsagg.core.query.NewsQueries.SearchSnapshot;

/**
 * Brings a {@link SearchSnapshot} up to date with the matches stored since it was taken (inserts only: the caller
 * gives up on updates and deletions). Search ranks the newest {@code bound} matches, so while fewer than that match,
 * every new match is a candidate; once the bound is full, a new match newer than the oldest candidate pushes the
 * oldest candidate out. The page is then the best {@code limit + 1} of the old hits and the entering matches, which
 * is exact as long as none of the old hits was pushed out.
 */
final class SearchMerge {

    /** Where a candidate sits in the newest-first order that picks candidates. */
    record Position(Instant at, long id) {
    }

    /** The {@code n} oldest candidates of the snapshot, oldest first, starting at its oldest. */
    interface OldestCandidates {
        List<Position> oldest(int n, Instant at, long id);
    }

    static final Comparator<Position> OLDEST_FIRST =
            Comparator.comparing(Position::at).thenComparingLong(Position::id);
    static final Comparator<SearchSnapshot.RankedHit> BEST_FIRST =
            Comparator.comparingDouble((SearchSnapshot.RankedHit h) -> h.rank()).reversed()
                    .thenComparing(Comparator.comparingLong((SearchSnapshot.RankedHit h) -> h.hit().id()).reversed());

    private SearchMerge() {
    }

    static Optional<SearchSnapshot> merge(SearchSnapshot old, ChangeMark mark, long maxId,
                                          List<SearchSnapshot.RankedHit> matches, int bound,
                                          OldestCandidates walk) {
        int candidates = old.candidates();
        Position oldest = old.oldestAt() == null ? null : new Position(old.oldestAt(), old.oldestId());
        List<SearchSnapshot.RankedHit> entering;
        if (candidates < bound) {
            if ((long) candidates + matches.size() > bound) {
                return Optional.empty();
            }
            candidates += matches.size();
            entering = matches;
            for (SearchSnapshot.RankedHit match : matches) {
                Position at = position(match);
                if (oldest == null || OLDEST_FIRST.compare(at, oldest) < 0) {
                    oldest = at;
                }
            }
        } else {
            Position boundary = oldest;
            List<SearchSnapshot.RankedHit> newer = matches.stream()
                    .filter(match -> OLDEST_FIRST.compare(position(match), boundary) > 0).toList();
            int pushed = newer.size();
            if (pushed == 0) {
                entering = List.of();
            } else {
                if (pushed >= bound) {
                    return Optional.empty();
                }
                List<Position> lowest = new ArrayList<>(walk.oldest(pushed + 1, boundary.at(), boundary.id()));
                if (lowest.size() < pushed + 1) {
                    return Optional.empty();
                }
                newer.forEach(match -> lowest.add(position(match)));
                lowest.sort(OLDEST_FIRST);
                Set<Long> out = new HashSet<>();
                for (int i = 0; i < pushed; i++) {
                    out.add(lowest.get(i).id());
                }
                if (old.hits().stream().anyMatch(hit -> out.contains(hit.hit().id()))) {
                    return Optional.empty();
                }
                oldest = lowest.get(pushed);
                entering = newer.stream().filter(match -> !out.contains(match.hit().id())).toList();
            }
        }
        if (old.cursor() != null) {
            Cursors.Search after = Cursors.decodeSearch(old.cursor());
            entering = entering.stream().filter(match -> match.rank() < after.rank()
                    || match.rank() == after.rank() && match.hit().id() < after.id()).toList();
        }
        List<SearchSnapshot.RankedHit> hits = new ArrayList<>(old.hits());
        hits.addAll(entering);
        hits.sort(BEST_FIRST);
        List<SearchSnapshot.RankedHit> page = hits.subList(0, Math.min(hits.size(), old.limit() + 1));
        return Optional.of(new SearchSnapshot(old.query(), old.limit(), old.cursor(), mark, Math.max(maxId, old.maxId()),
                page, candidates, oldest == null ? null : oldest.at(), oldest == null ? 0 : oldest.id()));
    }

    private static Position position(SearchSnapshot.RankedHit match) {
        return new Position(match.hit().publishedAt(), match.hit().id());
    }
}
