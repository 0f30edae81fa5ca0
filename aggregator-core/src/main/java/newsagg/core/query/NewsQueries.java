package newsagg.core.query;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import newsagg.core.query.NewsQueries.ChangeMark;
import newsagg.core.query.NewsQueries.Page;
import newsagg.core.query.NewsQueries.SearchHit;

/**
 * The read side of newsagg: everything the HTTP API serves. Implementations are thread-safe.
 * Cursors are opaque strings produced by a previous page; a cursor that cannot be decoded, or that
 * belongs to another kind of listing, raises {@link InvalidCursorException}.
 */
public interface NewsQueries {

    /** Newest articles first, keyset-paginated: a deep page costs the same as the first. */
    Page<ArticleItem> newest(ArticleFilter filter, int limit, String cursor);

    /** One article with its sanitized HTML content. */
    Optional<ArticleDetail> article(long id);

    /** Every source with its article count, ordered by title. */
    List<SourceSummary> sources();

    /** One source with its article count. */
    Optional<SourceSummary> source(long id);

    /**
     * Ranked full-text search in PostgreSQL websearch syntax ({@code "exact phrase"}, {@code -word},
     * {@code or}); best match first, with a highlighted snippet.
     */
    Page<SearchHit> search(String query, int limit, String cursor);

    /** The same answer as {@link #search}, with what {@link #searchSince} needs to bring it up to date later. */
    SearchSnapshot searchSnapshot(String query, int limit, String cursor);

    /**
     * {@code snapshot} brought up to date with the articles stored since it was taken, so that its page equals what
     * {@link #search} answers now; empty when that takes a new search instead (articles deleted or updated, among
     * others).
     */
    Optional<SearchSnapshot> searchSince(SearchSnapshot snapshot);

    /** The stored articles' current {@link ChangeMark}: one index lookup. */
    ChangeMark changeMark();

    /**
     * The articles whose change sequence is above {@code since} and at most {@code upTo}, in that order, with the
     * lexemes of their search vectors; empty when there are more than {@code limit} of them, so that a caller never
     * reads an unbounded range.
     */
    Optional<List<ChangedArticle>> changedBetween(long since, long upTo, int limit);

    /**
     * Sets of lexemes of which an article must contain at least one each to match {@code query} as {@link #search}
     * reads it (the indexable part of its {@code websearch_to_tsquery}): {@code election fraud} needs
     * {@code [{elect}, {fraud}]}, {@code storm or flood} {@code [{storm, flood}]}. One empty set when nothing can
     * match it; empty when no such sets are known (a query of negations only, which matches articles by what they
     * lack).
     */
    Optional<List<Set<String>>> requiredLexemes(String query);

    /** An article stored or changed at {@code changeSeq}, with the lexemes of its search vector. */
    record ChangedArticle(long id, long changeSeq, Set<String> lexemes) {
        public ChangedArticle {
            lexemes = Set.copyOf(lexemes);
        }
    }

    /**
     * The rising terms (used more in the last {@code hours} hours than in the {@code hours} before) and the most
     * active sources among articles published in the last {@code hours} hours.
     */
    Trending trending(int hours, int limit);

    /** An article as listings show it: everything but the HTML content. */
    record ArticleItem(long id, long sourceId, String sourceTitle, String title, String url, String summary,
                       String author, Instant publishedAt, List<String> categories) {
        public ArticleItem {
            categories = List.copyOf(categories);
        }
    }

    /** One article in full, with its sanitized HTML content. */
    record ArticleDetail(long id, long sourceId, String sourceTitle, String title, String url, String summary,
                         String author, Instant publishedAt, List<String> categories, String contentHtml) {
        public ArticleDetail {
            categories = List.copyOf(categories);
        }
    }

    /**
     * A search result: the article as listings show it, its rank (higher is better) and a snippet with the
     * matched words wrapped in {@code <mark>}; the snippet is otherwise plain text, HTML-escaped.
     */
    record SearchHit(long id, long sourceId, String sourceTitle, String title, String url, String summary,
                     String author, Instant publishedAt, List<String> categories, double rank, String snippet) {
        public SearchHit {
            categories = List.copyOf(categories);
        }
    }

    /**
     * A source as the sources listing shows it.
     *
     * @param lastFetchDroppedItems   how many items of the last fetch that was read were not stored
     * @param lastFetchDroppedReasons those items by reason ({@code item_limit}, {@code size_limit}, {@code unreadable},
     *                                {@code refused_by_database}); empty when none was dropped
     */
    record SourceSummary(long id, String title, String feedUrl, String siteUrl, long articleCount,
                         Instant lastFetchedAt, String lastError, int lastFetchDroppedItems,
                         Map<String, Integer> lastFetchDroppedReasons) {
        public SourceSummary {
            lastFetchDroppedReasons = Collections.unmodifiableMap(new LinkedHashMap<>(lastFetchDroppedReasons));
        }
    }

    /**
     * How far the stored articles have come: {@code epoch} changes whenever articles are deleted, sources are added
     * or removed, or the corpus is reloaded (it is a time in microseconds and never repeats), and {@code seq} is the
     * highest change sequence of any stored article (every insert and every update takes the next one). An answer
     * computed when the mark was {@code (e, s)} is still exact while the mark is {@code (e, s)}; once {@code seq} has
     * moved on within the same epoch, only articles with a higher change sequence can have changed it (migration V3).
     */
    record ChangeMark(long epoch, long seq) {
    }

    /** A cursor that this listing did not produce: malformed, tampered with, or from another listing. */
    final class InvalidCursorException extends IllegalArgumentException {
        public InvalidCursorException(String message) {
            super(message);
        }
    }

    /**
     * One page of a listing.
     *
     * @param items      the items, in listing order
     * @param nextCursor the cursor for the next page, or null on the last page
     */
    record Page<T>(List<T> items, String nextCursor) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /**
     * Which articles a newest-first listing includes.
     *
     * @param sourceIds only these sources; empty means all
     * @param since     published at or after this instant; null means no lower bound
     * @param until     published before this instant; null means no upper bound
     */
    record ArticleFilter(List<Long> sourceIds, Instant since, Instant until) {
        /** Every article. */
        public static final ArticleFilter ALL = new ArticleFilter(List.of(), null, null);

        public ArticleFilter {
            sourceIds = List.copyOf(sourceIds);
            if (since != null && until != null && !since.isBefore(until)) {
                throw new IllegalArgumentException("since must be before until");
            }
        }
    }

    /**
     * What is being written about: the most frequent terms and the most active sources in a recent window.
     *
     * @param windowHours the window, in hours back from now
     * @param terms       most frequent first
     * @param sources     most articles first
     */
    record Trending(int windowHours, List<TermCount> terms, List<SourceCount> sources) {
        public Trending {
            terms = List.copyOf(terms);
            sources = List.copyOf(sources);
        }

        /** A term and the number of articles in the window that use it. */
        public record TermCount(String term, long count) {
        }

        /** A source and the number of articles it published in the window. */
        public record SourceCount(long sourceId, String title, long count) {
        }
    }

    /**
     * A search answer together with what it takes to bring it up to date from the articles stored since, instead of
     * searching again ({@link NewsQueries#searchSince}): the {@link ChangeMark} and the highest article id it was
     * computed at, the best matches (at least {@code limit + 1}, one more than a page, which decides the next cursor,
     * and a few more, so that a merge can lose some to newer matches and still know the page), and how many matches
     * were ranked and the oldest of them, since only the newest {@value JdbiNewsQueries#SEARCH_CANDIDATES} are.
     *
     * @param hits       the best ranked matches after the cursor, best first: every one of them ranked at or above
     *                   the last, or all of them when {@code complete}
     * @param complete   whether {@code hits} holds every ranked match after the cursor
     * @param candidates how many matches were ranked (at most the candidate bound)
     * @param oldestAt   publication time of the oldest ranked match, null when there was none
     * @param oldestId   id of the oldest ranked match, 0 when there was none
     */
    record SearchSnapshot(String query, int limit, String cursor, ChangeMark mark, long maxId,
                          List<RankedHit> hits, boolean complete, int candidates, Instant oldestAt, long oldestId) {

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
}
