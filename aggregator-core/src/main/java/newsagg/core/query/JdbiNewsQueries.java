package newsagg.core.query;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import newsagg.core.domain.DroppedItems;
import newsagg.core.store.DroppedItemsColumn;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.postgresql.PGStatement;

/**
 * {@link NewsQueries} over PostgreSQL with Jdbi. Every statement is a constant below; the only dynamic SQL is the
 * choice among fixed WHERE fragments for the newest-first filters, and every value is a bind parameter.
 *
 * <p>Search uses the {@code english} text-search configuration and ranks with {@code ts_rank_cd} (cover density)
 * over the stored {@code search_vector}, whose title lexemes weigh A and summary lexemes B. Trending terms are
 * English stems (e.g. {@code elect} for "elections") from titles, ranked by how much more often they appear in the
 * window than in the window before it. See {@code docs/SEARCH.md}.
 */
public final class JdbiNewsQueries implements NewsQueries {

    /** The largest page any listing serves. */
    public static final int MAX_LIMIT = 500;
    /** The longest trending window, in hours. */
    public static final int MAX_TRENDING_HOURS = 24 * 365;

    private static final String ITEM_COLUMNS = """
            a.id, a.source_id, s.title AS source_title, a.title, a.url, a.summary, a.author, a.published_at,
            a.categories""";

    private static final String NEWEST_SELECT = "SELECT " + ITEM_COLUMNS + """

            FROM articles a
            JOIN sources s ON s.id = a.source_id
            WHERE true""";
    // One source gets an equality so that the (source_id, published_at DESC, id DESC) index yields rows in order.
    private static final String NEWEST_ONE_SOURCE = " AND a.source_id = :sourceId";
    /*
     * Several sources: the newest rows of each source from the per-source index, merged. Filtering the global index
     * by source_id = ANY(:sourceIds) instead reads every newer row of every other source first (35 ms vs 0.9 ms for
     * three small sources among 250k rows), and reading the per-source index with = ANY must sort all their rows.
     */
    private static final String NEWEST_SOME_SOURCES_SELECT = "SELECT " + ITEM_COLUMNS + """

            FROM unnest(CAST(:sourceIds AS bigint[])) AS f(source_id)
            CROSS JOIN LATERAL (
                SELECT a.*
                FROM articles a
                WHERE a.source_id = f.source_id""";
    private static final String NEWEST_SOME_SOURCES_MERGE = """

                ORDER BY a.published_at DESC, a.id DESC
                LIMIT :limit
            ) a
            JOIN sources s ON s.id = a.source_id""";
    private static final String NEWEST_SINCE = " AND a.published_at >= :since";
    private static final String NEWEST_UNTIL = " AND a.published_at < :until";
    private static final String NEWEST_AFTER_CURSOR = " AND (a.published_at, a.id) < (:cursorAt, :cursorId)";
    private static final String NEWEST_ORDER = """

            ORDER BY a.published_at DESC, a.id DESC
            LIMIT :limit""";

    private static final String ARTICLE = "SELECT " + ITEM_COLUMNS + """
            , a.content_html
            FROM articles a
            JOIN sources s ON s.id = a.source_id
            WHERE a.id = :id""";

    // article_count is maintained by the triggers of migration V3 as articles are stored and deleted.
    private static final String SOURCES = """
            SELECT s.id, s.title, s.feed_url, s.site_url, s.last_fetched_at, s.last_error, s.last_fetch_dropped,
                   s.article_count
            FROM sources s
            ORDER BY s.title, s.id""";

    private static final String SOURCE = """
            SELECT s.id, s.title, s.feed_url, s.site_url, s.last_fetched_at, s.last_error, s.last_fetch_dropped,
                   s.article_count
            FROM sources s
            WHERE s.id = :id""";

    /*
     * candidates are the newest matches, at most :candidates of them; hits ranks only those, so a word that matches
     * most of the corpus ranks a bounded set: the newest matches come from walking the (published_at, id) index
     * until enough match, instead of reading and ranking every match (on 1M articles, "said" matches 990k rows:
     * 2.3 s alone and past the statement timeout under load, against 45 ms bounded). A rare word is still found
     * through the GIN index, which the planner chooses from the query's own selectivity: search statements are
     * never server-prepared (see search), so every execution is planned with its actual query text. candidates
     * repeats websearch_to_tsquery instead of reading q because q, used three times, is materialized, and the
     * planner cannot estimate a match count from a value it has not computed yet.
     *
     * hits finds the page by rank alone (plus one row to tell whether there is a next page); only those rows then get
     * the comparatively expensive ts_headline. Highlights are marked with the control characters U+0001 and U+0002,
     * which are first removed from the text, so that Java can escape everything else and turn them into <mark>.
     */
    private static final String SEARCH_QUERY = "WITH q AS (SELECT websearch_to_tsquery('english', :query) AS query),";
    private static final String SEARCH_CANDIDATES_CTE = """

            candidates AS %s (
                SELECT a.id, a.published_at, a.search_vector
                FROM articles a
                WHERE numnode(websearch_to_tsquery('english', :query)) > 0
                  AND a.search_vector @@ websearch_to_tsquery('english', :query)
                ORDER BY a.published_at DESC, a.id DESC
                LIMIT :candidates
            ),
            hits AS (
                SELECT c.id, ts_rank_cd(c.search_vector, q.query) AS rank
                FROM candidates c CROSS JOIN q
                WHERE true
                  %s
                ORDER BY rank DESC, c.id DESC
                LIMIT :limit
            )""";
    private static final String SNIPPET = """
            ts_headline('english', translate(CASE WHEN to_tsvector('english', a.summary) @@ q.query
                                             THEN a.summary ELSE a.title END, chr(1) || chr(2), ''),
                        q.query, :headlineOptions) AS snippet""";
    private static final String HIT_ROWS = "SELECT h.rank, " + ITEM_COLUMNS + ",\n" + SNIPPET + """

            FROM hits h
            JOIN articles a ON a.id = h.id
            JOIN sources s ON s.id = a.source_id
            CROSS JOIN q""";
    private static final String AFTER_SEARCH_CURSOR =
            "AND (ts_rank_cd(c.search_vector, q.query), c.id) < (CAST(:cursorRank AS real), :cursorId)";

    private static final String SEARCH = SEARCH_QUERY + SEARCH_CANDIDATES_CTE + "\n" + HIT_ROWS
            + "\nORDER BY h.rank DESC, h.id DESC";

    /*
     * The same hits, with how many candidates were ranked and the oldest of them (see SearchSnapshot), always in at
     * least one row: the candidates are materialized once for both. searchSince needs them to tell which older
     * candidates the new matches push out of the bound.
     */
    private static final String SEARCH_SNAPSHOT = SEARCH_QUERY + SEARCH_CANDIDATES_CTE + """
            ,
            bounds AS (
                SELECT (SELECT count(*) FROM candidates) AS candidate_count, o.published_at AS oldest_at,
                       o.id AS oldest_id
                FROM (SELECT 1) AS one
                LEFT JOIN LATERAL (SELECT c.published_at, c.id FROM candidates c
                                   ORDER BY c.published_at, c.id LIMIT 1) o ON true
            ),
            page AS (
            """ + HIT_ROWS + """

            )
            SELECT b.candidate_count, b.oldest_at, b.oldest_id, p.*
            FROM bounds b LEFT JOIN page p ON true
            ORDER BY p.rank DESC, p.id DESC""";

    /** Matches among the articles stored since a change sequence: an index range on change_seq. */
    private static final String SEARCH_CHANGED = SEARCH_QUERY + """

            changed AS (SELECT a.* FROM articles a WHERE a.change_seq > :since)
            SELECT ts_rank_cd(a.search_vector, q.query) AS rank,\s""" + ITEM_COLUMNS + ",\n" + SNIPPET + """

            FROM changed a
            JOIN sources s ON s.id = a.source_id
            CROSS JOIN q
            WHERE numnode(q.query) > 0 AND a.search_vector @@ q.query""";

    /** The oldest candidates of an earlier snapshot, oldest first, from its oldest on. */
    private static final String OLDEST_CANDIDATES = """
            SELECT a.published_at, a.id
            FROM articles a
            WHERE a.search_vector @@ websearch_to_tsquery('english', :query)
              AND (a.published_at, a.id) >= (:oldestAt, :oldestId)
              AND a.change_seq <= :since
            ORDER BY a.published_at, a.id
            LIMIT :n""";

    private static final String CHANGE_MARK = """
            SELECT e.epoch, coalesce((SELECT max(a.change_seq) FROM articles a), 0) AS seq
            FROM article_epoch e""";
    private static final String MAX_ID = "SELECT coalesce(max(id), 0) FROM articles";
    private static final String CHANGED_BETWEEN = """
            SELECT a.id, a.change_seq, tsvector_to_array(a.search_vector) AS lexemes
            FROM articles a
            WHERE a.change_seq > :since AND a.change_seq <= :upTo
            ORDER BY a.change_seq
            LIMIT :n""";
    /* querytree is the part of a tsquery an index can answer: a matching article contains at least one of its
     * lexemes. It is 'T' when there is no such part (negations only). */
    private static final String REQUIRED_LEXEMES = """
            SELECT numnode(q) AS nodes, querytree(q) AS tree FROM websearch_to_tsquery('english', :query) AS q""";
    /** One set no article can hold a lexeme of: a query of stop words only, which matches nothing. */
    private static final List<Set<String>> NOTHING_MATCHES = List.of(Set.of());
    /*
     * What searchSince decides on first, in one round trip: the mark, the highest id, and how many rows changed since
     * the snapshot that it already held (updates, which searchSince does not merge).
     */
    private static final String SINCE_SNAPSHOT = """
            SELECT e.epoch, coalesce((SELECT max(a.change_seq) FROM articles a), 0) AS seq,
                   coalesce((SELECT max(a.id) FROM articles a), 0) AS max_id,
                   (SELECT count(*) FROM articles a WHERE a.change_seq > :since AND a.id <= :maxId) AS updated
            FROM article_epoch e""";

    private static final String SEARCH_FIRST = SEARCH.formatted("", "");
    private static final String SEARCH_AFTER_CURSOR = SEARCH.formatted("", AFTER_SEARCH_CURSOR);
    private static final String SNAPSHOT_FIRST = SEARCH_SNAPSHOT.formatted("MATERIALIZED", "");
    private static final String SNAPSHOT_AFTER_CURSOR = SEARCH_SNAPSHOT.formatted("MATERIALIZED", AFTER_SEARCH_CURSOR);

    private static final char MARK_START = '\u0001';
    private static final char MARK_STOP = '\u0002';
    private static final String HEADLINE_OPTIONS = "StartSel=\"" + MARK_START + "\", StopSel=\"" + MARK_STOP
            + "\", MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \"";

    /*
     * Rising title terms: each lexeme's article count in the window against the window of the same length just
     * before it, scored like a Poisson z-score, (now - before) / sqrt(before + 1). Words that are always frequent
     * ("said", "new") score near zero; a story that broke in the window scores high. Title lexemes are the ones
     * with weight A in search_vector, and a lexeme counts once per article (newsagg_title_terms). The counts come
     * from the whole-hour windows migration V6 keeps (newsagg_*_counts_kept, when TRENDING_WINDOWS says both are
     * kept), or else from the per-day and per-hour aggregates of migration V3 (newsagg_*_counts); either way plus a
     * recount of the articles in the partial hours at the windows' ends, so they are exact for a window that ends
     * at any instant. The recent window includes now() itself, as it always did: hence the microsecond. The two
     * windows meet in one GROUP BY rather than a join: the planner estimates a few dozen rows for each (there are
     * thousands), and after an ANALYZE it chose a nested loop over them, 3-5 s instead of 40 ms on 1M articles.
     */
    /* Each term's article count in the recent and in the earlier window, summed from the parts %s lists. */
    private static final String TRENDING_COUNTS = """
            WITH counts AS (
                SELECT term, sum(recent)::bigint AS recent, sum(before)::bigint AS before FROM (
            %s
                ) windows
                GROUP BY term
            )
            """;
    private static final String TRENDING_TERMS = TRENDING_COUNTS.formatted("""
                    SELECT term, articles AS recent, 0 AS before
                    FROM newsagg_term_counts(now() - make_interval(hours => :hours), now() + interval '1 microsecond')
                    UNION ALL
                    SELECT term, 0, articles
                    FROM newsagg_term_counts(now() - make_interval(hours => 2 * :hours),
                                             now() - make_interval(hours => :hours))""");
    private static final String TRENDING_TOP_TERMS = """
            SELECT term, recent AS articles
            FROM counts
            WHERE recent >= :minArticles AND recent > before
            ORDER BY (recent - before) / sqrt(before + 1.0) DESC, recent DESC, term
            LIMIT :limit""";

    /*
     * The same counts from the kept windows: newsagg_term_counts_kept(lo, hi) is the kept rows of [lo, hi)'s whole
     * hours minus the partial hour at lo plus the partial hour at hi. Written out here, the cut where the two windows
     * meet (now() - hours) is counted once for both instead of once per window, and all five parts meet in the one
     * GROUP BY with no join: 20-25 % less time on 1M articles, with the same rows (docs/PERFORMANCE.md).
     */
    private static final String TRENDING_TERMS_FROM_KEPT = TRENDING_COUNTS.formatted("""
                    SELECT x.term, x.articles AS recent, 0::bigint AS before
                    FROM trending_windows w JOIN trending_window_terms x ON x.window_id = w.id
                    WHERE w.lo = date_trunc('hour', now() - make_interval(hours => :hours), 'UTC')
                      AND w.hi = date_trunc('hour', now() + interval '1 microsecond', 'UTC')
                    UNION ALL
                    SELECT x.term, 0, x.articles
                    FROM trending_windows w JOIN trending_window_terms x ON x.window_id = w.id
                    WHERE w.lo = date_trunc('hour', now() - make_interval(hours => 2 * :hours), 'UTC')
                      AND w.hi = date_trunc('hour', now() - make_interval(hours => :hours), 'UTC')
                    UNION ALL
                    SELECT p.term, p.articles, 0 FROM newsagg_partial_term_counts(now() + interval '1 microsecond') p
                    UNION ALL
                    SELECT p.term, -p.articles, p.articles
                    FROM newsagg_partial_term_counts(now() - make_interval(hours => :hours)) p
                    UNION ALL
                    SELECT p.term, 0, -p.articles
                    FROM newsagg_partial_term_counts(now() - make_interval(hours => 2 * :hours)) p""");

    /*
     * Whether the whole hours of both windows are kept (making them kept if they can be). Its own statement, before
     * the reads: it may wait for the article writers' lock, and the reads must see what it made.
     */
    private static final String TRENDING_WINDOWS = """
            SELECT newsagg_trending_window(date_trunc('hour', now() - make_interval(hours => :hours), 'UTC'),
                                           date_trunc('hour', now() + interval '1 microsecond', 'UTC')) AS recent,
                   newsagg_trending_window(date_trunc('hour', now() - make_interval(hours => 2 * :hours), 'UTC'),
                                           date_trunc('hour', now() - make_interval(hours => :hours), 'UTC')) AS before""";

    /*
     * The trending statements read a few thousand rows, but the planner's estimates for the inlined aggregate
     * functions put their cost past jit_above_cost: PostgreSQL then compiled them with LLVM on every request, about 290 of the 330 ms
     * of a 24 h terms statement on 1M articles (docs/PERFORMANCE.md). Compiling cannot pay off for statements this
     * short, so the trending transaction turns it off.
     */
    private static final String NO_JIT = "SET LOCAL jit = off";

    /** A term must appear in at least this many articles of the window to trend. */
    static final int TRENDING_MIN_ARTICLES = 2;

    private static final String TRENDING_SOURCES = """
            SELECT c.source_id, s.title, c.articles
            FROM newsagg_source_counts%1$s(now() - make_interval(hours => :hours), now() + interval '1 microsecond') c
            JOIN sources s ON s.id = c.source_id
            ORDER BY c.articles DESC, c.source_id
            LIMIT :limit""";

    private static final String TRENDING_TERMS_KEPT = TRENDING_TERMS_FROM_KEPT + TRENDING_TOP_TERMS;
    private static final String TRENDING_TERMS_RECOUNT = TRENDING_TERMS + TRENDING_TOP_TERMS;
    private static final String TRENDING_SOURCES_KEPT = TRENDING_SOURCES.formatted("_kept");
    private static final String TRENDING_SOURCES_RECOUNT = TRENDING_SOURCES.formatted("");

    /** Search ranks at most this many matches of a query, the newest ones. */
    public static final int SEARCH_CANDIDATES = 10_000;

    /*
     * How many hits a search snapshot keeps beyond its page and the one row after it, so that a merge can lose that
     * many to newer matches pushing them out of the candidates before it must search again (SearchMerge). With ranks
     * independent of age, each pushed-out candidate is a kept hit about once in SEARCH_CANDIDATES / kept, and each
     * entering match joins the hits about as often, so the margin wanders and a new search waits until it has
     * wandered away: with none, the first pushed-out hit meant one. Each kept hit costs one more ts_headline in the
     * snapshot and a few hundred bytes in the cache.
     */
    static final int SEARCH_MARGIN = 8;

    private final Jdbi jdbi;
    private final int searchCandidates;
    private final int searchMargin;

    /** Queries over {@code jdbi}, whose database has the newsagg schema. */
    public JdbiNewsQueries(Jdbi jdbi) {
        this(jdbi, SEARCH_CANDIDATES);
    }

    /** As {@link #JdbiNewsQueries(Jdbi)}, ranking at most {@code searchCandidates} matches per search. */
    JdbiNewsQueries(Jdbi jdbi, int searchCandidates) {
        this(jdbi, searchCandidates, SEARCH_MARGIN);
    }

    /** As above, with search snapshots that keep {@code searchMargin} hits beyond the page and the row after it. */
    JdbiNewsQueries(Jdbi jdbi, int searchCandidates, int searchMargin) {
        if (searchCandidates < 1) {
            throw new IllegalArgumentException("searchCandidates must be positive: " + searchCandidates);
        }
        if (searchMargin < 0) {
            throw new IllegalArgumentException("searchMargin must not be negative: " + searchMargin);
        }
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.searchCandidates = searchCandidates;
        this.searchMargin = searchMargin;
    }

    @Override
    public Page<ArticleItem> newest(ArticleFilter filter, int limit, String cursor) {
        Objects.requireNonNull(filter, "filter");
        checkLimit(limit);
        Cursors.Newest after = cursor == null ? null : Cursors.decodeNewest(cursor);
        List<Long> sourceIds = filter.sourceIds().stream().distinct().toList();
        StringBuilder sql = new StringBuilder(sourceIds.size() > 1 ? NEWEST_SOME_SOURCES_SELECT : NEWEST_SELECT);
        if (sourceIds.size() == 1) {
            sql.append(NEWEST_ONE_SOURCE);
        }
        if (filter.since() != null) {
            sql.append(NEWEST_SINCE);
        }
        if (filter.until() != null) {
            sql.append(NEWEST_UNTIL);
        }
        if (after != null) {
            sql.append(NEWEST_AFTER_CURSOR);
        }
        if (sourceIds.size() > 1) {
            sql.append(NEWEST_SOME_SOURCES_MERGE);
        }
        sql.append(NEWEST_ORDER);
        List<ArticleItem> rows = jdbi.withHandle(h -> {
            Query query = h.createQuery(sql.toString()).bind("limit", limit + 1);
            if (sourceIds.size() == 1) {
                query.bind("sourceId", sourceIds.get(0).longValue());
            } else if (sourceIds.size() > 1) {
                query.bindArray("sourceIds", Long.class, sourceIds);
            }
            if (filter.since() != null) {
                query.bind("since", utc(filter.since()));
            }
            if (filter.until() != null) {
                query.bind("until", utc(filter.until()));
            }
            if (after != null) {
                query.bind("cursorAt", utc(after.publishedAt())).bind("cursorId", after.id());
            }
            return query.map(JdbiNewsQueries::item).list();
        });
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        ArticleItem last = rows.get(limit - 1);
        return new Page<>(rows.subList(0, limit), Cursors.newest(last.publishedAt(), last.id()));
    }

    @Override
    public Optional<ArticleDetail> article(long id) {
        return jdbi.withHandle(h -> h.createQuery(ARTICLE)
                .bind("id", id)
                .map((rs, ctx) -> new ArticleDetail(rs.getLong("id"), rs.getLong("source_id"),
                        rs.getString("source_title"), rs.getString("title"), rs.getString("url"),
                        rs.getString("summary"), rs.getString("author"), instant(rs, "published_at"),
                        strings(rs, "categories"), rs.getString("content_html")))
                .findOne());
    }

    @Override
    public List<SourceSummary> sources() {
        return jdbi.withHandle(h -> h.createQuery(SOURCES).map(JdbiNewsQueries::sourceSummary).list());
    }

    @Override
    public Optional<SourceSummary> source(long id) {
        return jdbi.withHandle(h -> h.createQuery(SOURCE).bind("id", id).map(JdbiNewsQueries::sourceSummary).findOne());
    }

    private static SourceSummary sourceSummary(ResultSet rs, StatementContext ctx) throws SQLException {
        DroppedItems dropped = DroppedItemsColumn.fromJson(rs.getString("last_fetch_dropped"));
        return new SourceSummary(rs.getLong("id"), rs.getString("title"), rs.getString("feed_url"),
                rs.getString("site_url"), rs.getLong("article_count"), instant(rs, "last_fetched_at"),
                rs.getString("last_error"), dropped.total(), dropped.byWireName());
    }

    /**
     * {@inheritDoc} A query without searchable words (blank, only stop words or punctuation) matches nothing. Ranks
     * are {@code ts_rank_cd} values; ties are broken by id, newest id first. Only the newest
     * {@value #SEARCH_CANDIDATES} matches (by publication time) are ranked, so a query matching more articles than
     * that pages through the best of the newest ones.
     */
    @Override
    public Page<SearchHit> search(String query, int limit, String cursor) {
        Objects.requireNonNull(query, "query");
        checkLimit(limit);
        Cursors.Search after = cursor == null ? null : Cursors.decodeSearch(cursor);
        if (query.isBlank()) {
            return new Page<>(List.of(), null);
        }
        List<SearchSnapshot.RankedHit> rows = jdbi.withHandle(h ->
                searchStatement(h, after == null ? SEARCH_FIRST : SEARCH_AFTER_CURSOR, query, limit + 1, after)
                        .map((rs, ctx) -> rankedHit(rs, ctx)).list());
        return SearchSnapshot.page(rows, limit);
    }

    /**
     * {@inheritDoc} The snapshot is taken in one repeatable-read transaction, so that its mark, its highest id, its
     * hits and its candidates are the same moment's.
     */
    @Override
    public SearchSnapshot searchSnapshot(String query, int limit, String cursor) {
        Objects.requireNonNull(query, "query");
        checkLimit(limit);
        Cursors.Search after = cursor == null ? null : Cursors.decodeSearch(cursor);
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            ChangeMark mark = changeMark(h);
            long maxId = h.createQuery(MAX_ID).mapTo(Long.class).one();
            if (query.isBlank()) {
                return new SearchSnapshot(query, limit, cursor, mark, maxId, List.of(), true, 0, null, 0);
            }
            int keep = keptHits(limit);
            List<SnapshotRow> rows = searchStatement(h, after == null ? SNAPSHOT_FIRST : SNAPSHOT_AFTER_CURSOR, query,
                    keep, after)
                    .map((rs, ctx) -> new SnapshotRow(rs.getInt("candidate_count"), instant(rs, "oldest_at"),
                            rs.getLong("oldest_id"), rs.getObject("id") == null ? null : rankedHit(rs, ctx)))
                    .list();
            SnapshotRow first = rows.get(0);
            List<SearchSnapshot.RankedHit> hits = rows.stream().map(SnapshotRow::hit).filter(Objects::nonNull).toList();
            return new SearchSnapshot(query, limit, cursor, mark, maxId, hits, hits.size() < keep, first.candidates(),
                    first.oldestAt(), first.oldestId());
        });
    }

    /**
     * {@inheritDoc} Exact, by how search ranks: {@code ts_rank_cd} reads only the article and the query, so an
     * article's rank never changes when others arrive, and the candidates are the newest matches, so a new match
     * pushes out only the oldest ones, found by walking up from the snapshot's oldest candidate. Empty (search
     * again) when the epoch moved, an article the snapshot already held was updated, the hits pushed out of the
     * candidates leave fewer than a page and the row after it ({@link SearchMerge}), or the candidates grow past the
     * bound.
     */
    @Override
    public Optional<SearchSnapshot> searchSince(SearchSnapshot old) {
        Objects.requireNonNull(old, "old");
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            SinceSnapshot now = h.createQuery(SINCE_SNAPSHOT).bind("since", old.mark().seq()).bind("maxId", old.maxId())
                    .map((rs, ctx) -> new SinceSnapshot(new ChangeMark(rs.getLong("epoch"), rs.getLong("seq")),
                            rs.getLong("max_id"), rs.getLong("updated")))
                    .one();
            ChangeMark mark = now.mark();
            if (mark.epoch() != old.mark().epoch()) {
                return Optional.empty();
            }
            if (mark.seq() == old.mark().seq()) {
                return Optional.of(old);
            }
            if (now.updated() > 0) {
                return Optional.empty();
            }
            long maxId = now.maxId();
            List<SearchSnapshot.RankedHit> matches = old.query().isBlank() ? List.of()
                    : h.createQuery(SEARCH_CHANGED)
                            .bind("query", text(old.query()))
                            .bind("since", old.mark().seq())
                            .bind("headlineOptions", HEADLINE_OPTIONS)
                            .addCustomizer(ONE_SHOT_PLAN)
                            .map((rs, ctx) -> rankedHit(rs, ctx))
                            .list();
            return SearchMerge.merge(old, mark, maxId, matches, searchCandidates, keptHits(old.limit()),
                    (n, at, id) -> h.createQuery(OLDEST_CANDIDATES)
                            .bind("query", text(old.query()))
                            .bind("oldestAt", utc(at))
                            .bind("oldestId", id)
                            .bind("since", old.mark().seq())
                            .bind("n", n)
                            .addCustomizer(ONE_SHOT_PLAN)
                            .map((rs, ctx) -> new SearchMerge.Position(instant(rs, "published_at"), rs.getLong("id")))
                            .list());
        });
    }

    @Override
    public Optional<List<ChangedArticle>> changedBetween(long since, long upTo, int limit) {
        List<ChangedArticle> rows = jdbi.withHandle(h -> h.createQuery(CHANGED_BETWEEN)
                .bind("since", since).bind("upTo", upTo).bind("n", limit + 1)
                .map((rs, ctx) -> new ChangedArticle(rs.getLong("id"), rs.getLong("change_seq"),
                        Set.of((String[]) rs.getArray("lexemes").getArray())))
                .list());
        return rows.size() > limit ? Optional.empty() : Optional.of(rows);
    }

    @Override
    public Optional<List<Set<String>>> requiredLexemes(String query) {
        if (query.isBlank()) {
            return Optional.of(NOTHING_MATCHES);
        }
        return jdbi.withHandle(h -> h.createQuery(REQUIRED_LEXEMES).bind("query", text(query))
                .map((rs, ctx) -> requiredLexemes(rs.getInt("nodes"), rs.getString("tree"))).one());
    }

    static Optional<List<Set<String>>> requiredLexemes(int nodes, String tree) {
        if (nodes == 0) {
            return Optional.of(NOTHING_MATCHES);
        }
        return QueryTree.requirements(tree);
    }

    @Override
    public ChangeMark changeMark() {
        return jdbi.withHandle(JdbiNewsQueries::changeMark);
    }

    private static ChangeMark changeMark(Handle h) {
        return h.createQuery(CHANGE_MARK).map((rs, ctx) -> new ChangeMark(rs.getLong("epoch"), rs.getLong("seq"))).one();
    }

    private int keptHits(int limit) {
        return limit + 1 + searchMargin;
    }

    /** {@code rows} is how many hits the statement returns at most. */
    private Query searchStatement(Handle h, String sql, String query, int rows, Cursors.Search after) {
        Query statement = h.createQuery(sql)
                .bind("query", text(query))
                .bind("candidates", searchCandidates)
                .bind("limit", rows)
                .bind("headlineOptions", HEADLINE_OPTIONS)
                .addCustomizer(ONE_SHOT_PLAN);
        if (after != null) {
            statement.bind("cursorRank", after.rank()).bind("cursorId", after.id());
        }
        return statement;
    }

    // PostgreSQL text cannot hold NUL; it carries no meaning in a query anyway.
    private static String text(String query) {
        return query.replace('\0', ' ');
    }

    /** The row of SINCE_SNAPSHOT. */
    private record SinceSnapshot(ChangeMark mark, long maxId, long updated) {
    }

    /** A row of SEARCH_SNAPSHOT: the candidates' count and oldest, and a hit unless there is none. */
    private record SnapshotRow(int candidates, Instant oldestAt, long oldestId, SearchSnapshot.RankedHit hit) {
    }

    private static SearchSnapshot.RankedHit rankedHit(ResultSet rs, StatementContext ctx) throws SQLException {
        float rank = rs.getFloat("rank");
        ArticleItem item = item(rs, ctx);
        return new SearchSnapshot.RankedHit(rank, new SearchHit(item.id(), item.sourceId(), item.sourceTitle(),
                item.title(), item.url(), item.summary(), item.author(), item.publishedAt(), item.categories(), rank,
                snippet(rs.getString("snippet"))));
    }

    /**
     * {@inheritDoc} Terms are English stems of title words (so "elections" counts as {@code elect}), at least three
     * characters long and not numbers, ranked by how many articles use them, then alphabetically. Sources are ranked
     * by article count, then id. The window ends at the database's current time.
     */
    @Override
    public Trending trending(int hours, int limit) {
        if (hours < 1 || hours > MAX_TRENDING_HOURS) {
            throw new IllegalArgumentException("hours must be between 1 and " + MAX_TRENDING_HOURS + ", was " + hours);
        }
        checkLimit(limit);
        // One transaction, so that every statement sees the same now(); read committed, so that the windows are
        // made from the latest writes (newsagg_trending_window).
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            h.execute(NO_JIT);
            Kept kept = h.createQuery(TRENDING_WINDOWS).bind("hours", hours)
                    .map((rs, ctx) -> new Kept(rs.getBoolean("recent"), rs.getBoolean("before"))).one();
            String terms = kept.recent() && kept.before() ? TRENDING_TERMS_KEPT : TRENDING_TERMS_RECOUNT;
            String sources = kept.recent() ? TRENDING_SOURCES_KEPT : TRENDING_SOURCES_RECOUNT;
            return new Trending(hours, terms(h, terms, hours, limit), activeSources(h, sources, hours, limit));
        });
    }

    /** Whether the whole hours of the recent and of the earlier window are kept (TRENDING_WINDOWS). */
    private record Kept(boolean recent, boolean before) {
    }

    private static List<Trending.TermCount> terms(Handle h, String sql, int hours, int limit) {
        return h.createQuery(sql)
                .bind("minArticles", TRENDING_MIN_ARTICLES)
                .bind("hours", hours)
                .bind("limit", limit)
                .map((rs, ctx) -> new Trending.TermCount(rs.getString("term"), rs.getLong("articles")))
                .list();
    }

    private static List<Trending.SourceCount> activeSources(Handle h, String sql, int hours, int limit) {
        return h.createQuery(sql)
                .bind("hours", hours)
                .bind("limit", limit)
                .map((rs, ctx) -> new Trending.SourceCount(rs.getLong("source_id"), rs.getString("title"),
                        rs.getLong("articles")))
                .list();
    }

    /*
     * pgjdbc server-prepares a statement from its fifth execution on, and PostgreSQL may then switch it to a generic
     * plan, made without the query text: for search that means one plan for every word, either ranking all matches
     * of a common word or walking the whole index for a rare one. An unnamed statement is planned for its values.
     * A statement that is not pgjdbc's underneath (a driver proxy that hides it) is left as it is: the plan choice
     * is a matter of speed, never of results.
     */
    private static final StatementCustomizer ONE_SHOT_PLAN = new StatementCustomizer() {
        @Override
        public void beforeExecution(PreparedStatement statement, StatementContext ctx) throws SQLException {
            if (statement.isWrapperFor(PGStatement.class)) {
                statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
        }
    };

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** Escapes the headline for HTML and turns the highlight markers into {@code <mark>} elements. */
    static String snippet(String headline) {
        if (headline == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(headline.length() + 32);
        for (int i = 0; i < headline.length(); i++) {
            char c = headline.charAt(i);
            switch (c) {
                case MARK_START -> out.append("<mark>");
                case MARK_STOP -> out.append("</mark>");
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static ArticleItem item(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ArticleItem(rs.getLong("id"), rs.getLong("source_id"), rs.getString("source_title"),
                rs.getString("title"), rs.getString("url"), rs.getString("summary"), rs.getString("author"),
                instant(rs, "published_at"), strings(rs, "categories"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        if (array == null) {
            return List.of();
        }
        try {
            return new ArrayList<>(Arrays.asList((String[]) array.getArray()));
        } finally {
            array.free();
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
