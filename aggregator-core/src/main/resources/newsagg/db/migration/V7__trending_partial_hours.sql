-- The partial hours of a kept trending window, counted from whichever side of the cut holds fewer articles. V6
-- recounted [date_trunc('hour', x), x) from the articles for each end x of a window; the recent window ends now, so
-- under ingestion that recount read every article stored in the current hour, and grew with the ingestion rate
-- (1-1.4 s per request at 10 articles/s, docs/PERFORMANCE.md). The same counts are the hour's maintained row
-- (term_hours, source_hours) minus the articles of [x, the next hour), which for a cut at now() holds only articles
-- dated in the future. Results are unchanged; the triggers keep the hour's rows in the writing transaction, so the
-- one statement that reads both sees them agree.

-- Whether [date_trunc('hour', x), x) is counted as its hour's row minus the rest of the hour: when x is now or later
-- (articles are rarely dated ahead), or past the half hour (articles of a past hour are spread over it).
CREATE FUNCTION newsagg_partial_from_hour(x timestamptz) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT x >= now() OR x - date_trunc('hour', x, 'UTC') >= interval '30 minutes'
$$;

-- Article counts per title term over [date_trunc('hour', x), x). The conditions on x alone are constant for the
-- statement, so the plan runs only one side (a one-time filter on the other).
CREATE FUNCTION newsagg_partial_term_counts(x timestamptz) RETURNS TABLE (term text, articles bigint)
LANGUAGE sql STABLE AS $$
    SELECT p.term, sum(p.n)::bigint FROM (
        SELECT t AS term, 1::bigint AS n
        FROM articles a CROSS JOIN LATERAL newsagg_title_terms(a.search_vector) AS t
        WHERE a.published_at >= date_trunc('hour', x, 'UTC') AND a.published_at < x
          AND NOT newsagg_partial_from_hour(x)
        UNION ALL
        SELECT h.term, h.articles FROM term_hours h
        WHERE h.hour = date_trunc('hour', x, 'UTC') AND newsagg_partial_from_hour(x)
        UNION ALL
        SELECT t, -1
        FROM articles a CROSS JOIN LATERAL newsagg_title_terms(a.search_vector) AS t
        WHERE a.published_at >= x AND a.published_at < date_trunc('hour', x, 'UTC') + interval '1 hour'
          AND newsagg_partial_from_hour(x)
    ) p
    GROUP BY p.term HAVING sum(p.n) <> 0
$$;

CREATE FUNCTION newsagg_partial_source_counts(x timestamptz) RETURNS TABLE (source_id bigint, articles bigint)
LANGUAGE sql STABLE AS $$
    SELECT p.source_id, sum(p.n)::bigint FROM (
        SELECT a.source_id, 1::bigint AS n
        FROM articles a
        WHERE a.published_at >= date_trunc('hour', x, 'UTC') AND a.published_at < x
          AND NOT newsagg_partial_from_hour(x)
        UNION ALL
        SELECT h.source_id, h.articles FROM source_hours h
        WHERE h.hour = date_trunc('hour', x, 'UTC') AND newsagg_partial_from_hour(x)
        UNION ALL
        SELECT a.source_id, -1
        FROM articles a
        WHERE a.published_at >= x AND a.published_at < date_trunc('hour', x, 'UTC') + interval '1 hour'
          AND newsagg_partial_from_hour(x)
    ) p
    GROUP BY p.source_id HAVING sum(p.n) <> 0
$$;

-- V6's functions, with the partial hours above.
CREATE OR REPLACE FUNCTION newsagg_term_counts_kept(wlo timestamptz, whi timestamptz)
RETURNS TABLE (term text, articles bigint) LANGUAGE sql STABLE AS $$
    SELECT coalesce(k.term, c.term), coalesce(k.articles, 0) + coalesce(c.n, 0)
    FROM (SELECT x.term, x.articles
          FROM trending_windows w JOIN trending_window_terms x ON x.window_id = w.id
          WHERE w.lo = date_trunc('hour', wlo, 'UTC') AND w.hi = date_trunc('hour', whi, 'UTC')) k
    FULL JOIN (SELECT p.term, sum(p.n)::bigint AS n FROM (
                   SELECT e.term, -e.articles AS n FROM newsagg_partial_term_counts(wlo) e
                   UNION ALL
                   SELECT e.term, e.articles FROM newsagg_partial_term_counts(whi) e
               ) p GROUP BY p.term) c ON c.term = k.term
    WHERE coalesce(k.articles, 0) + coalesce(c.n, 0) > 0
$$;

CREATE OR REPLACE FUNCTION newsagg_source_counts_kept(wlo timestamptz, whi timestamptz)
RETURNS TABLE (source_id bigint, articles bigint) LANGUAGE sql STABLE AS $$
    SELECT coalesce(k.source_id, c.source_id), coalesce(k.articles, 0) + coalesce(c.n, 0)
    FROM (SELECT x.source_id, x.articles
          FROM trending_windows w JOIN trending_window_sources x ON x.window_id = w.id
          WHERE w.lo = date_trunc('hour', wlo, 'UTC') AND w.hi = date_trunc('hour', whi, 'UTC')) k
    FULL JOIN (SELECT p.source_id, sum(p.n)::bigint AS n FROM (
                   SELECT e.source_id, -e.articles AS n FROM newsagg_partial_source_counts(wlo) e
                   UNION ALL
                   SELECT e.source_id, e.articles FROM newsagg_partial_source_counts(whi) e
               ) p GROUP BY p.source_id) c ON c.source_id = k.source_id
    WHERE coalesce(k.articles, 0) + coalesce(c.n, 0) > 0
$$;
