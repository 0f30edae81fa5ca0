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
 * oldest candidate out.
 *
 * <p>The snapshot holds every candidate ranked at or above its last hit (its floor), or every candidate when it is
 * complete. That stays true when pushed-out candidates leave the hits and the entering matches that rank above the
 * floor join them; matches below the floor rank below every hit, and cannot be on the page while at least
 * {@code limit + 1} hits remain. So the page is exact until the pushed-out hits have eaten the few hits kept beyond
 * it, and only then must the caller search again. Without that margin, any hit pushed out meant a new search: at 10
 * articles/s those took more of PostgreSQL's time than all the merges together (docs/PERFORMANCE.md, seventh round).
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

    /**
     * @param keep how many hits the merged snapshot holds at most, at least a page and the row after it (it drops
     *             the worst beyond that, which makes it incomplete)
     */
    static Optional<SearchSnapshot> merge(SearchSnapshot old, ChangeMark mark, long maxId,
                                          List<SearchSnapshot.RankedHit> matches, int bound, int keep,
                                          OldestCandidates walk) {
        int needed = old.limit() + 1;
        if (keep < needed) {
            throw new IllegalArgumentException("keep must be at least limit + 1: " + keep);
        }
        if (!old.complete() && old.hits().size() < needed) {
            return Optional.empty();
        }
        int candidates = old.candidates();
        Position oldest = old.oldestAt() == null ? null : new Position(old.oldestAt(), old.oldestId());
        List<SearchSnapshot.RankedHit> entering;
        Set<Long> out = new HashSet<>();
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
                for (int i = 0; i < pushed; i++) {
                    out.add(lowest.get(i).id());
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
        if (!old.complete()) {
            SearchSnapshot.RankedHit floor = old.hits().get(old.hits().size() - 1);
            entering = entering.stream().filter(match -> BEST_FIRST.compare(match, floor) < 0).toList();
        }
        List<SearchSnapshot.RankedHit> hits = new ArrayList<>(old.hits().size() + entering.size());
        old.hits().stream().filter(hit -> !out.contains(hit.hit().id())).forEach(hits::add);
        hits.addAll(entering);
        if (!old.complete() && hits.size() < needed) {
            return Optional.empty();
        }
        hits.sort(BEST_FIRST);
        boolean complete = old.complete() && hits.size() <= keep;
        List<SearchSnapshot.RankedHit> kept = hits.subList(0, Math.min(hits.size(), keep));
        return Optional.of(new SearchSnapshot(old.query(), old.limit(), old.cursor(), mark, Math.max(maxId, old.maxId()),
                kept, complete, candidates, oldest == null ? null : oldest.at(), oldest == null ? 0 : oldest.id()));
    }

    private static Position position(SearchSnapshot.RankedHit match) {
        return new Position(match.hit().publishedAt(), match.hit().id());
    }
}
