-- Trending windows kept whole. A 24 h window summed about 60,000 (hour, term) rows of term_hours on every request
-- (a synthetic vocabulary of 6,000 words uses about 2,500 per hour), which no index makes cheap. A trending window
-- is now read from the counts of its whole hours kept as one row per term (trending_window_terms, about 6,000 rows
-- for any window), corrected by the articles of the partial hours at its ends. The whole-hour windows are made when
-- a reader first asks for them (newsagg_trending_window), by rolling the same window of an earlier hour forward
-- (adding and removing a few hours) or by summing term_hours and term_days once; from then on the triggers keep
-- them exact, like every other aggregate. See docs/PERFORMANCE.md ("Under live ingestion").

-- A window [lo, hi) of whole UTC hours; used_at is the latest whole hour at which a reader asked for it.
CREATE TABLE trending_windows (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lo      TIMESTAMPTZ NOT NULL,
    hi      TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ NOT NULL,
    UNIQUE (lo, hi)
);
CREATE TABLE trending_window_terms (
    window_id BIGINT NOT NULL,
    term      TEXT   NOT NULL,
    articles  BIGINT NOT NULL,
    PRIMARY KEY (window_id, term)
);
CREATE TABLE trending_window_sources (
    window_id BIGINT NOT NULL,
    source_id BIGINT NOT NULL,
    articles  BIGINT NOT NULL,
    PRIMARY KEY (window_id, source_id)
);

-- V3's function, plus the windows: every window holding an article's published_at gets its delta.
CREATE OR REPLACE FUNCTION newsagg_apply_deltas(deltas newsagg_article_delta[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sources s SET article_count = s.article_count + d.n
    FROM (SELECT source_id, sum(sign) AS n FROM unnest(deltas) GROUP BY source_id) d
    WHERE s.id = d.source_id AND d.n <> 0;

    INSERT INTO source_hours AS x (hour, source_id, articles)
    SELECT date_trunc('hour', published_at, 'UTC'), source_id, sum(sign) FROM unnest(deltas)
    GROUP BY 1, 2 HAVING sum(sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (hour, source_id) DO UPDATE SET articles = x.articles + EXCLUDED.articles;
    INSERT INTO source_days AS x (day, source_id, articles)
    SELECT date_trunc('day', published_at, 'UTC'), source_id, sum(sign) FROM unnest(deltas)
    GROUP BY 1, 2 HAVING sum(sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (day, source_id) DO UPDATE SET articles = x.articles + EXCLUDED.articles;

    INSERT INTO term_hours AS x (hour, term, articles)
    SELECT date_trunc('hour', d.published_at, 'UTC'), t, sum(d.sign)
    FROM unnest(deltas) d CROSS JOIN LATERAL newsagg_title_terms(d.search_vector) AS t
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (hour, term) DO UPDATE SET articles = x.articles + EXCLUDED.articles;
    INSERT INTO term_days AS x (day, term, articles)
    SELECT date_trunc('day', d.published_at, 'UTC'), t, sum(d.sign)
    FROM unnest(deltas) d CROSS JOIN LATERAL newsagg_title_terms(d.search_vector) AS t
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (day, term) DO UPDATE SET articles = x.articles + EXCLUDED.articles;

    INSERT INTO trending_window_sources AS x (window_id, source_id, articles)
    SELECT w.id, d.source_id, sum(d.sign)
    FROM unnest(deltas) d JOIN trending_windows w ON d.published_at >= w.lo AND d.published_at < w.hi
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (window_id, source_id) DO UPDATE SET articles = x.articles + EXCLUDED.articles;
    INSERT INTO trending_window_terms AS x (window_id, term, articles)
    SELECT w.id, t, sum(d.sign)
    FROM unnest(deltas) d CROSS JOIN LATERAL newsagg_title_terms(d.search_vector) AS t
    JOIN trending_windows w ON d.published_at >= w.lo AND d.published_at < w.hi
    GROUP BY 1, 2 HAVING sum(d.sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (window_id, term) DO UPDATE SET articles = x.articles + EXCLUDED.articles;

    IF EXISTS (SELECT 1 FROM unnest(deltas) WHERE sign < 0) THEN
        DELETE FROM source_hours WHERE articles = 0;
        DELETE FROM source_days WHERE articles = 0;
        DELETE FROM term_hours x USING (SELECT DISTINCT date_trunc('hour', d.published_at, 'UTC') AS hour, t AS term
                                        FROM unnest(deltas) d
                                        CROSS JOIN LATERAL newsagg_title_terms(d.search_vector) AS t) k
        WHERE x.hour = k.hour AND x.term = k.term AND x.articles = 0;
        DELETE FROM term_days x USING (SELECT DISTINCT date_trunc('day', d.published_at, 'UTC') AS day, t AS term
                                       FROM unnest(deltas) d
                                       CROSS JOIN LATERAL newsagg_title_terms(d.search_vector) AS t) k
        WHERE x.day = k.day AND x.term = k.term AND x.articles = 0;
        DELETE FROM trending_window_sources WHERE articles = 0;
        DELETE FROM trending_window_terms x USING (SELECT DISTINCT w.id, t AS term
                                                   FROM unnest(deltas) d
                                                   CROSS JOIN LATERAL newsagg_title_terms(d.search_vector) AS t
                                                   JOIN trending_windows w
                                                     ON d.published_at >= w.lo AND d.published_at < w.hi) k
        WHERE x.window_id = k.id AND x.term = k.term AND x.articles = 0;
    END IF;
END
$$;

-- V3's functions, plus the windows: they are dropped, and made again by the next reader.
CREATE OR REPLACE FUNCTION newsagg_articles_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE term_hours, term_days, source_hours, source_days, trending_windows, trending_window_terms,
             trending_window_sources;
    UPDATE sources SET article_count = 0 WHERE article_count <> 0;
    PERFORM newsagg_next_epoch();
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION newsagg_rebuild_aggregates() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7882494236047419237);
    TRUNCATE term_hours, term_days, source_hours, source_days, trending_windows, trending_window_terms,
             trending_window_sources;
    UPDATE sources s SET article_count = coalesce(c.n, 0)
    FROM sources s2 LEFT JOIN (SELECT source_id, count(*) AS n FROM articles GROUP BY source_id) c
         ON c.source_id = s2.id
    WHERE s.id = s2.id AND s.article_count IS DISTINCT FROM coalesce(c.n, 0);
    INSERT INTO source_hours (hour, source_id, articles)
    SELECT date_trunc('hour', published_at, 'UTC'), source_id, count(*) FROM articles GROUP BY 1, 2;
    INSERT INTO source_days (day, source_id, articles)
    SELECT date_trunc('day', hour, 'UTC'), source_id, sum(articles) FROM source_hours GROUP BY 1, 2;
    INSERT INTO term_hours (hour, term, articles)
    SELECT date_trunc('hour', a.published_at, 'UTC'), t, count(*)
    FROM articles a CROSS JOIN LATERAL newsagg_title_terms(a.search_vector) AS t GROUP BY 1, 2;
    INSERT INTO term_days (day, term, articles)
    SELECT date_trunc('day', hour, 'UTC'), term, sum(articles) FROM term_hours GROUP BY 1, 2;
    PERFORM newsagg_next_epoch();
    ANALYZE sources, source_hours, source_days, term_hours, term_days;
END
$$;

-- Makes sure the window [wlo, whi) of whole hours is kept, and says whether it is: not when 32 are kept already,
-- and then readers recount. Cheap when it is kept: one indexed read, and once per hour one row update. What it
-- returns true for stays kept until the caller's transaction ends: dropping a window needs it unused for an hour,
-- and the TRUNCATE of a rebuild waits for the lock this function's read of trending_windows holds. Otherwise it takes the article writers'
-- lock, so that no write is half counted: a writer that committed before is in the sums read below (each statement
-- of this function sees what committed before it, in read committed), and a writer after it finds the window in
-- trending_windows and updates it. It refuses (and readers recount) in any other isolation level, whose snapshot
-- could predate a write. Windows no reader asked for in the hour before the current one are dropped.
CREATE FUNCTION newsagg_trending_window(wlo timestamptz, whi timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    current_hour CONSTANT timestamptz := date_trunc('hour', now(), 'UTC');
    made bigint;
    source trending_windows%ROWTYPE;
BEGIN
    IF EXISTS (SELECT 1 FROM trending_windows WHERE lo = wlo AND hi = whi AND used_at >= current_hour) THEN
        RETURN true;
    END IF;
    UPDATE trending_windows SET used_at = current_hour WHERE lo = wlo AND hi = whi AND used_at < current_hour;
    IF FOUND THEN
        RETURN true;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(7882494236047419237);
    UPDATE trending_windows SET used_at = greatest(used_at, current_hour) WHERE lo = wlo AND hi = whi;
    IF FOUND THEN
        RETURN true;
    END IF;
    IF (SELECT count(*) FROM trending_windows) >= 32 THEN
        RETURN false;
    END IF;
    INSERT INTO trending_windows (lo, hi, used_at) VALUES (wlo, whi, current_hour) RETURNING id INTO made;
    -- The same length, overlapping, at most a day earlier: roll it forward by the hours between.
    SELECT * INTO source FROM trending_windows w
    WHERE w.hi - w.lo = whi - wlo AND w.hi < whi AND w.hi > wlo AND w.hi >= whi - interval '24 hours'
    ORDER BY w.hi DESC LIMIT 1;
    -- EXECUTE plans each statement for its values: a generic plan could scan every article for the empty
    -- partial-hour parts of newsagg_term_counts.
    IF source.id IS NOT NULL THEN
        EXECUTE $sql$
            INSERT INTO trending_window_terms (window_id, term, articles)
            SELECT $1, term, sum(n) FROM (
                SELECT term, articles AS n FROM trending_window_terms WHERE window_id = $2
                UNION ALL SELECT term, articles FROM newsagg_term_counts($3, $4)
                UNION ALL SELECT term, -articles FROM newsagg_term_counts($5, $6)
            ) parts GROUP BY term HAVING sum(n) <> 0 ORDER BY term
        $sql$ USING made, source.id, source.hi, whi, source.lo, wlo;
        EXECUTE $sql$
            INSERT INTO trending_window_sources (window_id, source_id, articles)
            SELECT $1, source_id, sum(n) FROM (
                SELECT source_id, articles AS n FROM trending_window_sources WHERE window_id = $2
                UNION ALL SELECT source_id, articles FROM newsagg_source_counts($3, $4)
                UNION ALL SELECT source_id, -articles FROM newsagg_source_counts($5, $6)
            ) parts GROUP BY source_id HAVING sum(n) <> 0 ORDER BY source_id
        $sql$ USING made, source.id, source.hi, whi, source.lo, wlo;
    ELSE
        EXECUTE $sql$
            INSERT INTO trending_window_terms (window_id, term, articles)
            SELECT $1, term, articles FROM newsagg_term_counts($2, $3) ORDER BY term
        $sql$ USING made, wlo, whi;
        EXECUTE $sql$
            INSERT INTO trending_window_sources (window_id, source_id, articles)
            SELECT $1, source_id, articles FROM newsagg_source_counts($2, $3) ORDER BY source_id
        $sql$ USING made, wlo, whi;
    END IF;
    -- SKIP LOCKED leaves the rows a reader is marking used, which it would otherwise wait for while holding the
    -- lock (and that reader may be waiting for the lock).
    WITH stale AS (
        DELETE FROM trending_windows WHERE id IN (SELECT id FROM trending_windows
                                                  WHERE used_at < current_hour - interval '1 hour'
                                                  FOR UPDATE SKIP LOCKED)
        RETURNING id
    ), terms AS (
        DELETE FROM trending_window_terms WHERE window_id IN (SELECT id FROM stale)
    )
    DELETE FROM trending_window_sources WHERE window_id IN (SELECT id FROM stale);
    RETURN true;
END
$$;

-- Article counts per term over [wlo, whi), exactly those of newsagg_term_counts(wlo, whi), for a window whose whole
-- hours [date_trunc(wlo), date_trunc(whi)) are kept (newsagg_trending_window returned true in this transaction):
-- the kept counts, minus the articles of [date_trunc(wlo), wlo), plus those of [date_trunc(whi), whi). The partial
-- hours are a hash of a few hundred terms joined to the kept rows, so nothing is sorted. (The parameters are not
-- named lo and hi: in a SQL function a column of that name would win.)
CREATE FUNCTION newsagg_term_counts_kept(wlo timestamptz, whi timestamptz) RETURNS TABLE (term text, articles bigint)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(k.term, c.term), coalesce(k.articles, 0) + coalesce(c.n, 0)
    FROM (SELECT x.term, x.articles
          FROM trending_windows w JOIN trending_window_terms x ON x.window_id = w.id
          WHERE w.lo = date_trunc('hour', wlo, 'UTC') AND w.hi = date_trunc('hour', whi, 'UTC')) k
    FULL JOIN (SELECT p.term, sum(p.n)::bigint AS n FROM (
                   SELECT e.term, -e.articles AS n FROM newsagg_term_counts(date_trunc('hour', wlo, 'UTC'), wlo) e
                   UNION ALL
                   SELECT e.term, e.articles FROM newsagg_term_counts(date_trunc('hour', whi, 'UTC'), whi) e
               ) p GROUP BY p.term) c ON c.term = k.term
    WHERE coalesce(k.articles, 0) + coalesce(c.n, 0) > 0
$$;

CREATE FUNCTION newsagg_source_counts_kept(wlo timestamptz, whi timestamptz)
RETURNS TABLE (source_id bigint, articles bigint) LANGUAGE sql STABLE AS $$
    SELECT coalesce(k.source_id, c.source_id), coalesce(k.articles, 0) + coalesce(c.n, 0)
    FROM (SELECT x.source_id, x.articles
          FROM trending_windows w JOIN trending_window_sources x ON x.window_id = w.id
          WHERE w.lo = date_trunc('hour', wlo, 'UTC') AND w.hi = date_trunc('hour', whi, 'UTC')) k
    FULL JOIN (SELECT p.source_id, sum(p.n)::bigint AS n FROM (
                   SELECT e.source_id, -e.articles AS n
                   FROM newsagg_source_counts(date_trunc('hour', wlo, 'UTC'), wlo) e
                   UNION ALL
                   SELECT e.source_id, e.articles FROM newsagg_source_counts(date_trunc('hour', whi, 'UTC'), whi) e
               ) p GROUP BY p.source_id) c ON c.source_id = k.source_id
    WHERE coalesce(k.articles, 0) + coalesce(c.n, 0) > 0
$$;
