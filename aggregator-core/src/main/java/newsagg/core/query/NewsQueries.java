package newsagg.core.query;

import java.util.List;
import java.util.Optional;

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
     * The rising terms (used more in the last {@code hours} hours than in the {@code hours} before) and the most
     * active sources among articles published in the last {@code hours} hours.
     */
    Trending trending(int hours, int limit);
}
