package newsagg.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import newsagg.core.query.NewsQueries;
import newsagg.core.query.NewsQueries.ChangedArticle;

/**
 * The articles changed lately, with their lexemes, as this process read them: what a search answer that is behind
 * the mark would have to take in. One read per new mark serves every key that is behind by the same changes, so
 * the database is asked once per change, not once per cached query. Holds every change in {@code (from, to]}, at
 * most {@link #MAX_HELD} of them; a range it cannot answer from memory is read, at most {@link #MAX_READ} rows.
 */
final class RecentChanges {

    static final int MAX_HELD = 5_000;
    static final int MAX_READ = 1_000;

    private final NewsQueries queries;
    private final ArrayDeque<ChangedArticle> held = new ArrayDeque<>();
    private long from = -1;
    private long to = -1;

    RecentChanges(NewsQueries queries) {
        this.queries = queries;
    }

    /** The changes with a sequence above {@code since} and at most {@code upTo}; empty when there are too many. */
    synchronized Optional<List<ChangedArticle>> between(long since, long upTo) {
        if (from < 0 || since < from || since > to) {
            Optional<List<ChangedArticle>> read = queries.changedBetween(since, upTo, MAX_READ);
            if (read.isPresent()) {
                held.clear();
                held.addAll(read.get());
                from = since;
                to = upTo;
                trim();
            }
            return read;
        }
        if (upTo > to) {
            Optional<List<ChangedArticle>> more = queries.changedBetween(to, upTo, MAX_READ);
            if (more.isEmpty()) {
                return Optional.empty();
            }
            held.addAll(more.get());
            to = upTo;
            trim();
            if (since < from) {
                return queries.changedBetween(since, upTo, MAX_READ);
            }
        }
        List<ChangedArticle> slice = new ArrayList<>();
        for (ChangedArticle change : held) {
            if (change.changeSeq() > since && change.changeSeq() <= upTo) {
                slice.add(change);
            }
        }
        return Optional.of(slice);
    }

    private void trim() {
        while (held.size() > MAX_HELD) {
            from = held.removeFirst().changeSeq();
        }
    }
}
