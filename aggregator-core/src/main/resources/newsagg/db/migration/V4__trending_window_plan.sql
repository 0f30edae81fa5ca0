-- The window functions of V3 read their bounds from a CTE, which the planner cannot estimate: on 1M articles it
-- scanned every article for the partial hour at the window's end (10 s, past the statement timeout). The same
-- bounds written as expressions of lo and hi (inlined, stable) make every part an index range. Results are
-- unchanged; the parts and their bounds are those of newsagg_window.
CREATE OR REPLACE FUNCTION newsagg_term_counts(lo timestamptz, hi timestamptz) RETURNS TABLE (term text, articles bigint)
LANGUAGE sql STABLE AS $$
    SELECT term, sum(n)::bigint FROM (
        SELECT t AS term, 1::bigint AS n
        FROM articles a CROSS JOIN LATERAL newsagg_title_terms(a.search_vector) AS t
        WHERE a.published_at >= lo AND a.published_at < least(newsagg_ceil('hour', lo), hi)
        UNION ALL
        SELECT t AS term, 1
        FROM articles a CROSS JOIN LATERAL newsagg_title_terms(a.search_vector) AS t
        WHERE a.published_at >= greatest(newsagg_ceil('hour', lo), date_trunc('hour', hi, 'UTC')) AND a.published_at < hi
        UNION ALL
        SELECT x.term, x.articles FROM term_hours x WHERE x.hour >= newsagg_ceil('hour', lo) AND x.hour < least(newsagg_ceil('day', newsagg_ceil('hour', lo)), date_trunc('hour', hi, 'UTC'))
        UNION ALL
        SELECT x.term, x.articles FROM term_hours x WHERE x.hour >= greatest(newsagg_ceil('day', newsagg_ceil('hour', lo)), date_trunc('day', date_trunc('hour', hi, 'UTC'), 'UTC')) AND x.hour < date_trunc('hour', hi, 'UTC')
        UNION ALL
        SELECT x.term, x.articles FROM term_days x WHERE x.day >= newsagg_ceil('day', newsagg_ceil('hour', lo)) AND x.day < date_trunc('day', date_trunc('hour', hi, 'UTC'), 'UTC')
    ) parts
    GROUP BY term HAVING sum(n) > 0
$$;

CREATE OR REPLACE FUNCTION newsagg_source_counts(lo timestamptz, hi timestamptz) RETURNS TABLE (source_id bigint, articles bigint)
LANGUAGE sql STABLE AS $$
    SELECT source_id, sum(n)::bigint FROM (
        SELECT a.source_id, 1::bigint AS n
        FROM articles a
        WHERE a.published_at >= lo AND a.published_at < least(newsagg_ceil('hour', lo), hi)
        UNION ALL
        SELECT a.source_id, 1
        FROM articles a
        WHERE a.published_at >= greatest(newsagg_ceil('hour', lo), date_trunc('hour', hi, 'UTC')) AND a.published_at < hi
        UNION ALL
        SELECT x.source_id, x.articles FROM source_hours x WHERE x.hour >= newsagg_ceil('hour', lo) AND x.hour < least(newsagg_ceil('day', newsagg_ceil('hour', lo)), date_trunc('hour', hi, 'UTC'))
        UNION ALL
        SELECT x.source_id, x.articles FROM source_hours x WHERE x.hour >= greatest(newsagg_ceil('day', newsagg_ceil('hour', lo)), date_trunc('day', date_trunc('hour', hi, 'UTC'), 'UTC')) AND x.hour < date_trunc('hour', hi, 'UTC')
        UNION ALL
        SELECT x.source_id, x.articles FROM source_days x WHERE x.day >= newsagg_ceil('day', newsagg_ceil('hour', lo)) AND x.day < date_trunc('day', date_trunc('hour', hi, 'UTC'), 'UTC')
    ) parts
    GROUP BY source_id HAVING sum(n) > 0
$$;
