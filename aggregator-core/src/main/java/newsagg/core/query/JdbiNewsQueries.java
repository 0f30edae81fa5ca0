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
import newsagg.core.domain.DroppedItems;
import newsagg.core.store.DroppedItemsColumn;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
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

    // The grouped count reads only the (source_id, published_at, id) index when the visibility map allows.
    private static final String SOURCES = """
            SELECT s.id, s.title, s.feed_url, s.site_url, s.last_fetched_at, s.last_error, s.last_fetch_dropped,
                   coalesce(c.articles, 0) AS article_count
            FROM sources s
            LEFT JOIN (SELECT source_id, count(*) AS articles FROM articles GROUP BY source_id) c
                   ON c.source_id = s.id
            ORDER BY s.title, s.id""";

    private static final String SOURCE = """
            SELECT s.id, s.title, s.feed_url, s.site_url, s.last_fetched_at, s.last_error, s.last_fetch_dropped,
                   (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS article_count
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
    private static final String SEARCH = """
            WITH q AS (SELECT websearch_to_tsquery('english', :query) AS query),
            candidates AS (
                SELECT a.id, a.search_vector
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
            )
            SELECT h.rank,\s""" + ITEM_COLUMNS + """
            ,
                   ts_headline('english', translate(CASE WHEN to_tsvector('english', a.summary) @@ q.query
                                                       THEN a.summary ELSE a.title END, chr(1) || chr(2), ''),
                               q.query, :headlineOptions) AS snippet
            FROM hits h
            JOIN articles a ON a.id = h.id
            JOIN sources s ON s.id = a.source_id
            CROSS JOIN q
            ORDER BY h.rank DESC, h.id DESC""";

    private static final String SEARCH_FIRST = SEARCH.formatted("");
    private static final String SEARCH_AFTER_CURSOR = SEARCH.formatted(
            "AND (ts_rank_cd(c.search_vector, q.query), c.id) < (CAST(:cursorRank AS real), :cursorId)");

    private static final char MARK_START = '\u0001';
    private static final char MARK_STOP = '\u0002';
    private static final String HEADLINE_OPTIONS = "StartSel=\"" + MARK_START + "\", StopSel=\"" + MARK_STOP
            + "\", MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \"";

    private static final String TRENDING_WINDOW = """
            a.published_at >= now() - make_interval(hours => :hours) AND a.published_at <= now()""";

    /*
     * Rising title terms: each lexeme's article count in the window against the window of the same length just
     * before it, scored like a Poisson z-score, (now - before) / sqrt(before + 1). Words that are always frequent
     * ("said", "new") score near zero; a story that broke in the window scores high. Title lexemes are the ones
     * with weight A in search_vector, and a lexeme counts once per article. ts_filter keeps only those before the
     * unnest, which is three times faster than unnesting every lexeme and filtering on its weights.
     */
    private static final String TRENDING_TERMS = """
            WITH counts AS (
                SELECT t.lexeme AS term,
                       count(*) FILTER (WHERE a.published_at >= now() - make_interval(hours => :hours)) AS recent,
                       count(*) FILTER (WHERE a.published_at < now() - make_interval(hours => :hours)) AS before
                FROM articles a
                CROSS JOIN LATERAL unnest(tsvector_to_array(ts_filter(a.search_vector, '{a}'))) AS t(lexeme)
                WHERE a.published_at >= now() - make_interval(hours => 2 * :hours)
                  AND a.published_at <= now()
                  AND length(t.lexeme) >= 3
                  AND t.lexeme !~ '^[0-9][0-9.,]*$'
                GROUP BY t.lexeme
            )
            SELECT term, recent AS articles
            FROM counts
            WHERE recent >= :minArticles AND recent > before
            ORDER BY (recent - before) / sqrt(before + 1.0) DESC, recent DESC, term
            LIMIT :limit""";

    /** A term must appear in at least this many articles of the window to trend. */
    static final int TRENDING_MIN_ARTICLES = 2;

    private static final String TRENDING_SOURCES = """
            SELECT a.source_id, s.title, count(*) AS articles
            FROM articles a
            JOIN sources s ON s.id = a.source_id
            WHERE\s""" + TRENDING_WINDOW + """

            GROUP BY a.source_id, s.title
            ORDER BY articles DESC, a.source_id
            LIMIT :limit""";

    /** Search ranks at most this many matches of a query, the newest ones. */
    public static final int SEARCH_CANDIDATES = 10_000;

    private final Jdbi jdbi;
    private final int searchCandidates;

    /** Queries over {@code jdbi}, whose database has the newsagg schema. */
    public JdbiNewsQueries(Jdbi jdbi) {
        this(jdbi, SEARCH_CANDIDATES);
    }

    /** As {@link #JdbiNewsQueries(Jdbi)}, ranking at most {@code searchCandidates} matches per search. */
    JdbiNewsQueries(Jdbi jdbi, int searchCandidates) {
        if (searchCandidates < 1) {
            throw new IllegalArgumentException("searchCandidates must be positive: " + searchCandidates);
        }
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.searchCandidates = searchCandidates;
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
        // PostgreSQL text cannot hold NUL; it carries no meaning in a query anyway.
        String text = query.replace('\0', ' ');
        List<Ranked> rows = jdbi.withHandle(h -> {
            Query sql = h.createQuery(after == null ? SEARCH_FIRST : SEARCH_AFTER_CURSOR)
                    .bind("query", text)
                    .bind("candidates", searchCandidates)
                    .bind("limit", limit + 1)
                    .bind("headlineOptions", HEADLINE_OPTIONS)
                    .addCustomizer(ONE_SHOT_PLAN);
            if (after != null) {
                sql.bind("cursorRank", after.rank()).bind("cursorId", after.id());
            }
            return sql.map((rs, ctx) -> {
                    float rank = rs.getFloat("rank");
                    ArticleItem item = item(rs, ctx);
                    return new Ranked(rank, new SearchHit(item.id(), item.sourceId(), item.sourceTitle(),
                            item.title(), item.url(), item.summary(), item.author(), item.publishedAt(),
                            item.categories(), rank, snippet(rs.getString("snippet"))));
                    })
                    .list();
        });
        List<SearchHit> hits = rows.stream().limit(limit).map(Ranked::hit).toList();
        if (rows.size() <= limit) {
            return new Page<>(hits, null);
        }
        Ranked last = rows.get(limit - 1);
        return new Page<>(hits, Cursors.search(last.rank(), last.hit().id()));
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
        // One transaction, so that both statements see the same now().
        return jdbi.inTransaction(h -> new Trending(hours, terms(h, hours, limit), activeSources(h, hours, limit)));
    }

    private static List<Trending.TermCount> terms(Handle h, int hours, int limit) {
        return h.createQuery(TRENDING_TERMS)
                .bind("minArticles", TRENDING_MIN_ARTICLES)
                .bind("hours", hours)
                .bind("limit", limit)
                .map((rs, ctx) -> new Trending.TermCount(rs.getString("term"), rs.getLong("articles")))
                .list();
    }

    private static List<Trending.SourceCount> activeSources(Handle h, int hours, int limit) {
        return h.createQuery(TRENDING_SOURCES)
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

    private record Ranked(float rank, SearchHit hit) {
    }

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
