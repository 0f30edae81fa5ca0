package newsagg.core.store;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import newsagg.core.domain.NewArticle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Stores articles: one batch per fetched feed, upserted in one statement and one round trip. An article is identified
 * by its source and dedupe key; storing it again updates it only when its title, URL, summary, content, author,
 * categories or GUID changed, so an unchanged re-fetch writes nothing. {@code published_at} is kept from the first
 * sighting, so an edited article does not jump around in the newest-first listing. Thread-safe.
 */
public final class ArticleStore {

    /*
     * The batch travels as one array per column (categories as one JSON array per article, since PostgreSQL has no
     * ragged arrays). DISTINCT ON keeps the last occurrence of a dedupe key inside the batch: ON CONFLICT cannot
     * touch the same row twice in one statement. xmax = 0 holds exactly for rows this statement inserted.
     *
     * Rows already stored exactly as they are never reach ON CONFLICT: its DO UPDATE locks every conflicting row
     * even when its WHERE then declines the update, and a lock dirties the row's page and writes WAL. A feed is
     * fetched again and again with mostly the same items, so without the NOT EXISTS every fetch wrote every item it
     * lists. A row changed concurrently after the NOT EXISTS looked is still decided by the WHERE below.
     */
    private static final String UPSERT = """
            INSERT INTO articles (source_id, dedupe_key, guid, url, title, summary, content_html, author,
                                  published_at, fetched_at, categories)
            SELECT :sourceId, b.dedupe_key, b.guid, b.url, b.title, b.summary, b.content_html, b.author,
                   b.published_at, b.fetched_at, b.categories
            FROM (
                SELECT DISTINCT ON (t.dedupe_key) t.dedupe_key, t.guid, t.url, t.title, t.summary, t.content_html,
                       t.author, t.published_at, t.fetched_at,
                       ARRAY(SELECT jsonb_array_elements_text(t.categories::jsonb)) AS categories
                FROM unnest(:dedupeKeys::text[], :guids::text[], :urls::text[], :titles::text[], :summaries::text[],
                            :contents::text[], :authors::text[], :publishedAts::timestamptz[],
                            :fetchedAts::timestamptz[], :categories::text[])
                     WITH ORDINALITY AS t(dedupe_key, guid, url, title, summary, content_html, author,
                                          published_at, fetched_at, categories, ord)
                ORDER BY t.dedupe_key, t.ord DESC
            ) b
            WHERE NOT EXISTS (
                SELECT 1 FROM articles x
                WHERE x.source_id = :sourceId AND x.dedupe_key = b.dedupe_key
                  AND (x.guid, x.url, x.title, x.summary, x.content_html, x.author, x.categories)
                      IS NOT DISTINCT FROM
                      (b.guid, b.url, b.title, b.summary, b.content_html, b.author, b.categories))
            ON CONFLICT (source_id, dedupe_key) DO UPDATE SET
                guid = EXCLUDED.guid,
                url = EXCLUDED.url,
                title = EXCLUDED.title,
                summary = EXCLUDED.summary,
                content_html = EXCLUDED.content_html,
                author = EXCLUDED.author,
                categories = EXCLUDED.categories,
                fetched_at = EXCLUDED.fetched_at
            WHERE (articles.guid, articles.url, articles.title, articles.summary, articles.content_html,
                   articles.author, articles.categories)
                  IS DISTINCT FROM
                  (EXCLUDED.guid, EXCLUDED.url, EXCLUDED.title, EXCLUDED.summary, EXCLUDED.content_html,
                   EXCLUDED.author, EXCLUDED.categories)
            RETURNING (xmax = 0) AS inserted
            """;

    private static final String COUNT = "SELECT count(*) FROM articles";

    private final Jdbi jdbi;
    private final ObjectMapper json = new ObjectMapper();

    /** A store over {@code jdbi}, whose database has the newsagg schema. */
    public ArticleStore(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /**
     * Inserts the new articles of {@code batch} and updates the changed ones, all for source {@code sourceId}. When a
     * dedupe key occurs more than once in the batch, its last occurrence wins.
     */
    public UpsertResult upsert(long sourceId, List<NewArticle> batch) {
        if (batch.isEmpty()) {
            return UpsertResult.NONE;
        }
        int n = batch.size();
        String[] dedupeKeys = new String[n];
        String[] guids = new String[n];
        String[] urls = new String[n];
        String[] titles = new String[n];
        String[] summaries = new String[n];
        String[] contents = new String[n];
        String[] authors = new String[n];
        String[] publishedAts = new String[n];
        String[] fetchedAts = new String[n];
        String[] categories = new String[n];
        for (int i = 0; i < n; i++) {
            NewArticle a = batch.get(i);
            dedupeKeys[i] = a.dedupeKey();
            guids[i] = a.guid();
            urls[i] = a.url();
            titles[i] = a.title();
            summaries[i] = a.summary();
            contents[i] = a.contentHtml();
            authors[i] = a.author();
            // Instant.toString is ISO-8601 in UTC, which the text[] -> timestamptz[] cast parses exactly.
            publishedAts[i] = a.publishedAt().toString();
            fetchedAts[i] = a.fetchedAt().toString();
            categories[i] = toJson(a.categories());
        }
        List<Boolean> rows = jdbi.withHandle(h -> h.createQuery(UPSERT)
                .bind("sourceId", sourceId)
                .bindArray("dedupeKeys", String.class, (Object[]) dedupeKeys)
                .bindArray("guids", String.class, (Object[]) guids)
                .bindArray("urls", String.class, (Object[]) urls)
                .bindArray("titles", String.class, (Object[]) titles)
                .bindArray("summaries", String.class, (Object[]) summaries)
                .bindArray("contents", String.class, (Object[]) contents)
                .bindArray("authors", String.class, (Object[]) authors)
                .bindArray("publishedAts", String.class, (Object[]) publishedAts)
                .bindArray("fetchedAts", String.class, (Object[]) fetchedAts)
                .bindArray("categories", String.class, (Object[]) categories)
                .map((rs, ctx) -> rs.getBoolean("inserted"))
                .list());
        int inserted = (int) rows.stream().filter(Boolean::booleanValue).count();
        return new UpsertResult(inserted, rows.size() - inserted);
    }

    /**
     * As {@link #upsert}, except that a batch the database refuses because of one article's data (SQLSTATE class 22,
     * data exception, or 54, program limit exceeded) is stored again one article at a time, so that the articles it
     * can hold are kept and only the others are counted as {@link UpsertResult#refused() refused}. Ingestion
     * validates every article before this; this is the last wall, for what validation did not foresee.
     */
    public UpsertResult upsertSalvaging(long sourceId, List<NewArticle> batch) {
        try {
            return upsert(sourceId, batch);
        } catch (UnableToExecuteStatementException e) {
            if (!refusedForItsData(e)) {
                throw e;
            }
        }
        if (batch.size() == 1) {
            return new UpsertResult(0, 0, 1);
        }
        UpsertResult total = UpsertResult.NONE;
        for (NewArticle article : batch) {
            try {
                total = total.plus(upsert(sourceId, List.of(article)));
            } catch (UnableToExecuteStatementException e) {
                if (!refusedForItsData(e)) {
                    throw e;
                }
                total = total.plus(new UpsertResult(0, 0, 1));
            }
        }
        return total;
    }

    private static boolean refusedForItsData(UnableToExecuteStatementException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("54");
            }
        }
        return false;
    }

    /** How many articles are stored, over all sources. */
    public long count() {
        return jdbi.withHandle(h -> h.createQuery(COUNT).mapTo(Long.class).one());
    }

    private String toJson(List<String> values) {
        try {
            return json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode categories as JSON", e);
        }
    }
}
