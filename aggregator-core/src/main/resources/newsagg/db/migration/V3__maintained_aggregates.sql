-- Aggregates kept up to date as articles are stored, so that /api/sources and /api/trending read a few thousand
-- rows instead of recounting the corpus, and the change sequence and epoch the response caches invalidate by.
-- See docs/CACHE.md ("Invalidation") and docs/PERFORMANCE.md.

-- Every stored or changed article takes the next change_seq (inserts through the default, updates through
-- articles_change_seq). Writers of articles take one transaction-scoped advisory lock before their first row (see
-- newsagg_articles_lock), so change_seq values become visible in the order they were handed out: a reader that
-- sees change_seq N has seen every change below N. Deletions move the epoch instead.
CREATE SEQUENCE article_change_seq AS BIGINT;
ALTER TABLE articles ADD COLUMN change_seq BIGINT NOT NULL DEFAULT nextval('article_change_seq');
CREATE INDEX articles_change_seq_idx ON articles (change_seq);

-- One row: a value that changes whenever articles are deleted (a removed source), sources are added or removed,
-- or the aggregates are rebuilt (a corpus load). It is a time in microseconds at least one above its last value,
-- so it never repeats, not even after the database is dropped and created again.
CREATE TABLE article_epoch (
    singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    epoch     BIGINT NOT NULL
);
INSERT INTO article_epoch (epoch) VALUES ((extract(epoch FROM clock_timestamp()) * 1000000)::bigint);

CREATE FUNCTION newsagg_next_epoch() RETURNS void LANGUAGE sql AS $$
    UPDATE article_epoch SET epoch = greatest(epoch + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
$$;

ALTER TABLE sources ADD COLUMN article_count BIGINT NOT NULL DEFAULT 0;

-- Title terms per UTC hour and per UTC day, and articles per source per UTC hour and per UTC day. A window sums the
-- days inside it, the hours at its ends and, for the partial hours at its very ends, the articles themselves.
CREATE TABLE term_hours (
    hour     TIMESTAMPTZ NOT NULL,
    term     TEXT        NOT NULL,
    articles BIGINT      NOT NULL,
    PRIMARY KEY (hour, term)
);
CREATE TABLE term_days (
    day      TIMESTAMPTZ NOT NULL,
    term     TEXT        NOT NULL,
    articles BIGINT      NOT NULL,
    PRIMARY KEY (day, term)
);
CREATE TABLE source_hours (
    hour      TIMESTAMPTZ NOT NULL,
    source_id BIGINT      NOT NULL,
    articles  BIGINT      NOT NULL,
    PRIMARY KEY (hour, source_id)
);
CREATE TABLE source_days (
    day       TIMESTAMPTZ NOT NULL,
    source_id BIGINT      NOT NULL,
    articles  BIGINT      NOT NULL,
    PRIMARY KEY (day, source_id)
);

-- The terms trending counts: title lexemes (weight A) of at least three characters that are not numbers, once per
-- article. The same rule as the recount in JdbiNewsQueries' raw edge hours, because both call this.
CREATE FUNCTION newsagg_title_terms(v tsvector) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT t FROM unnest(tsvector_to_array(ts_filter(v, '{a}'))) AS t
    WHERE length(t) >= 3 AND t !~ '^[0-9][0-9.,]*$'
$$;

-- The smallest whole UTC hour or day at or after x.
CREATE FUNCTION newsagg_ceil(unit text, x timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN date_trunc(unit, x, 'UTC') = x THEN x
                ELSE date_trunc(unit, x, 'UTC') + CASE unit WHEN 'day' THEN interval '24 hours'
                                                              ELSE interval '1 hour' END END
$$;

CREATE TYPE newsagg_article_delta AS (published_at timestamptz, source_id bigint, search_vector tsvector, sign int);

-- Adds the deltas (+1 per stored row, -1 per removed row) to every aggregate, in key order so that two writers can
-- never wait for each other in a cycle (they are serialized by newsagg_articles_lock anyway). Rows that reach zero
-- are removed.
CREATE FUNCTION newsagg_apply_deltas(deltas newsagg_article_delta[]) RETURNS void LANGUAGE plpgsql AS $$
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
    END IF;
END
$$;

CREATE FUNCTION newsagg_articles_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- 'newsagg' 'change': one writer of articles at a time, until its commit.
    PERFORM pg_advisory_xact_lock(7882494236047419237);
    RETURN NULL;
END
$$;

CREATE FUNCTION newsagg_articles_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := nextval('article_change_seq');
    RETURN NEW;
END
$$;

CREATE FUNCTION newsagg_articles_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM newsagg_apply_deltas(ARRAY(
        SELECT ROW(n.published_at, n.source_id, n.search_vector, 1)::newsagg_article_delta FROM new_rows n));
    RETURN NULL;
END
$$;

CREATE FUNCTION newsagg_articles_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM newsagg_apply_deltas(ARRAY(
        SELECT ROW(o.published_at, o.source_id, o.search_vector, -1)::newsagg_article_delta FROM old_rows o
        UNION ALL
        SELECT ROW(n.published_at, n.source_id, n.search_vector, 1)::newsagg_article_delta FROM new_rows n));
    RETURN NULL;
END
$$;

CREATE FUNCTION newsagg_articles_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM newsagg_apply_deltas(ARRAY(
        SELECT ROW(o.published_at, o.source_id, o.search_vector, -1)::newsagg_article_delta FROM old_rows o));
    PERFORM newsagg_next_epoch();
    RETURN NULL;
END
$$;

CREATE FUNCTION newsagg_articles_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE term_hours, term_days, source_hours, source_days;
    UPDATE sources SET article_count = 0 WHERE article_count <> 0;
    PERFORM newsagg_next_epoch();
    RETURN NULL;
END
$$;

CREATE FUNCTION newsagg_sources_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM newsagg_next_epoch();
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_lock BEFORE INSERT OR UPDATE OR DELETE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION newsagg_articles_lock();
CREATE TRIGGER articles_change_seq BEFORE UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION newsagg_articles_change_seq();
CREATE TRIGGER articles_inserted AFTER INSERT ON articles REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsagg_articles_inserted();
CREATE TRIGGER articles_updated AFTER UPDATE ON articles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsagg_articles_updated();
CREATE TRIGGER articles_deleted AFTER DELETE ON articles REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsagg_articles_deleted();
CREATE TRIGGER articles_truncated AFTER TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION newsagg_articles_truncated();
CREATE TRIGGER sources_changed AFTER INSERT OR DELETE ON sources
    FOR EACH STATEMENT EXECUTE FUNCTION newsagg_sources_changed();

-- Recounts every aggregate from the articles and moves the epoch: what a corpus load runs after copying with the
-- triggers off, and what repairs the aggregates should they ever be doubted.
CREATE FUNCTION newsagg_rebuild_aggregates() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7882494236047419237);
    TRUNCATE term_hours, term_days, source_hours, source_days;
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

-- How [lo, hi) splits: the articles of [lo, h1) and [max(h1, h2), hi), whole hours of [h1, min(d1, h2)) and
-- [max(d1, d2), h2), whole days of [d1, d2). Every part may be empty; together they cover the window exactly once.
CREATE FUNCTION newsagg_window(lo timestamptz, hi timestamptz)
RETURNS TABLE (h1 timestamptz, h2 timestamptz, d1 timestamptz, d2 timestamptz)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT newsagg_ceil('hour', lo), date_trunc('hour', hi, 'UTC'), newsagg_ceil('day', newsagg_ceil('hour', lo)),
           date_trunc('day', date_trunc('hour', hi, 'UTC'), 'UTC')
$$;

-- Article counts per term and per source over [lo, hi): whole days, then whole hours, then the articles of the
-- partial hours at the ends (an index range on published_at each).
CREATE FUNCTION newsagg_term_counts(lo timestamptz, hi timestamptz) RETURNS TABLE (term text, articles bigint)
LANGUAGE sql STABLE AS $$
    WITH b AS (SELECT * FROM newsagg_window(lo, hi)), parts AS (
        SELECT t AS term, 1::bigint AS n
        FROM b, articles a CROSS JOIN LATERAL newsagg_title_terms(a.search_vector) AS t
        WHERE a.published_at >= lo AND a.published_at < least(b.h1, hi)
        UNION ALL
        SELECT t, 1
        FROM b, articles a CROSS JOIN LATERAL newsagg_title_terms(a.search_vector) AS t
        WHERE a.published_at >= greatest(b.h1, b.h2) AND a.published_at < hi
        UNION ALL
        SELECT x.term, x.articles FROM b, term_hours x WHERE x.hour >= b.h1 AND x.hour < least(b.d1, b.h2)
        UNION ALL
        SELECT x.term, x.articles FROM b, term_hours x WHERE x.hour >= greatest(b.d1, b.d2) AND x.hour < b.h2
        UNION ALL
        SELECT x.term, x.articles FROM b, term_days x WHERE x.day >= b.d1 AND x.day < b.d2
    )
    SELECT term, sum(n)::bigint FROM parts GROUP BY term HAVING sum(n) > 0
$$;

CREATE FUNCTION newsagg_source_counts(lo timestamptz, hi timestamptz) RETURNS TABLE (source_id bigint, articles bigint)
LANGUAGE sql STABLE AS $$
    WITH b AS (SELECT * FROM newsagg_window(lo, hi)), parts AS (
        SELECT a.source_id, 1::bigint AS n
        FROM b, articles a WHERE a.published_at >= lo AND a.published_at < least(b.h1, hi)
        UNION ALL
        SELECT a.source_id, 1
        FROM b, articles a WHERE a.published_at >= greatest(b.h1, b.h2) AND a.published_at < hi
        UNION ALL
        SELECT x.source_id, x.articles FROM b, source_hours x WHERE x.hour >= b.h1 AND x.hour < least(b.d1, b.h2)
        UNION ALL
        SELECT x.source_id, x.articles FROM b, source_hours x WHERE x.hour >= greatest(b.d1, b.d2) AND x.hour < b.h2
        UNION ALL
        SELECT x.source_id, x.articles FROM b, source_days x WHERE x.day >= b.d1 AND x.day < b.d2
    )
    SELECT source_id, sum(n)::bigint FROM parts GROUP BY source_id HAVING sum(n) > 0
$$;

-- A database that already holds articles (one from before this migration) gets its aggregates counted now, so its
-- sources and trending do not start from zero.
SELECT newsagg_rebuild_aggregates();
