-- Sources: one row per feed, with the fetch state the poller needs.
CREATE TABLE sources (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title           TEXT        NOT NULL,
    feed_url        TEXT        NOT NULL,
    site_url        TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    etag            TEXT,
    last_modified   TEXT,
    last_fetched_at TIMESTAMPTZ,
    next_fetch_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    error_count     INTEGER     NOT NULL DEFAULT 0,
    last_error      TEXT,
    CONSTRAINT sources_feed_url_key UNIQUE (feed_url)
);

-- The poller claims due sources in next_fetch_at order.
CREATE INDEX sources_next_fetch_at_idx ON sources (next_fetch_at);

-- Articles. dedupe_key is derived by ingestion (GUID, else link, else a hash of title and content)
-- and is what makes an article exist once per source.
CREATE TABLE articles (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id     BIGINT      NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    dedupe_key    TEXT        NOT NULL,
    guid          TEXT,
    url           TEXT,
    title         TEXT        NOT NULL,
    summary       TEXT        NOT NULL DEFAULT '',
    content_html  TEXT        NOT NULL DEFAULT '',
    author        TEXT,
    published_at  TIMESTAMPTZ NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL,
    categories    TEXT[]      NOT NULL DEFAULT '{}',
    -- English stemming and stop words; the title ranks above the summary. See docs/SEARCH.md.
    search_vector TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', summary), 'B')
    ) STORED,
    CONSTRAINT articles_source_dedupe_key UNIQUE (source_id, dedupe_key)
);

-- Newest-first keyset pagination, overall and per source.
CREATE INDEX articles_published_id_idx ON articles (published_at DESC, id DESC);
CREATE INDEX articles_source_published_id_idx ON articles (source_id, published_at DESC, id DESC);

-- Ranked full-text search.
CREATE INDEX articles_search_vector_idx ON articles USING GIN (search_vector);
