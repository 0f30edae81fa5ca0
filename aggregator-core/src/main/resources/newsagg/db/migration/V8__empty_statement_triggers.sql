-- The row-set triggers of V3, returning at once when their statement changed no row. An upsert whose rows are all
-- new still fires the UPDATE trigger, and a refresh that stores nothing fires both; each then ran every statement of
-- newsagg_apply_deltas over an empty array, planned anew each time: 2.3 ms per refresh for the UPDATE trigger alone,
-- at 10 articles/s (docs/PERFORMANCE.md, seventh round). A DELETE of no rows no longer moves the epoch, which made
-- every cached answer reload though nothing had gone. Aggregates are unchanged: an empty delta adds nothing.

CREATE OR REPLACE FUNCTION newsagg_articles_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
    END IF;
    PERFORM newsagg_apply_deltas(ARRAY(
        SELECT ROW(n.published_at, n.source_id, n.search_vector, 1)::newsagg_article_delta FROM new_rows n));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION newsagg_articles_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
    END IF;
    PERFORM newsagg_apply_deltas(ARRAY(
        SELECT ROW(o.published_at, o.source_id, o.search_vector, -1)::newsagg_article_delta FROM old_rows o
        UNION ALL
        SELECT ROW(n.published_at, n.source_id, n.search_vector, 1)::newsagg_article_delta FROM new_rows n));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION newsagg_articles_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
        RETURN NULL;
    END IF;
    PERFORM newsagg_apply_deltas(ARRAY(
        SELECT ROW(o.published_at, o.source_id, o.search_vector, -1)::newsagg_article_delta FROM old_rows o));
    PERFORM newsagg_next_epoch();
    RETURN NULL;
END
$$;
