package newsagg.http;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.javalin.http.Context;
import newsagg.cache.Lookup;
import newsagg.core.ingest.fetch.FeedUrls;
import newsagg.core.query.NewsQueries;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.query.NewsQueries.SourceSummary;

/**
 * The public read endpoints. Each handler validates its parameters into a query, asks the core (through a
 * response cache for the endpoints that earned one), and writes the JSON bytes; nothing else happens here.
 */
final class ReadHandlers {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    static final int MAX_QUERY_CHARS = 200;
    /** The NOT operators a search may hold; see {@link #notOperators}. */
    static final int MAX_NOT_OPERATORS = 31;
    static final int MAX_SOURCES_PER_QUERY = 50;
    static final int MAX_TRENDING_HOURS = 720;

    private final NewsQueries queries;
    private final Json json;
    private final ResponseCaches caches;
    private final AtomicReference<byte[]> memorySources = new AtomicReference<>();

    ReadHandlers(NewsQueries queries, Json json, ResponseCaches caches) {
        this.queries = queries;
        this.json = json;
        this.caches = caches;
    }

    void articles(Context ctx) {
        Params params = new Params(ctx.queryParamMap());
        List<Long> sources = params.ids("source", MAX_SOURCES_PER_QUERY);
        Instant since = params.instant("since");
        Instant until = params.instant("until");
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.invalidParameter("since", "must be before until");
        }
        int limit = params.intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String cursor = params.single("cursor");
        write(ctx, queries.newest(new ArticleFilter(sources, since, until), limit, cursor));
    }

    void article(Context ctx) {
        long id = Params.id("id", ctx.pathParam("id"));
        write(ctx, queries.article(id).orElseThrow(() -> ApiException.notFound("no article with id " + id)));
    }

    void sources(Context ctx) {
        writeCached(ctx, caches.sources(() -> json.bytes(new Items<>(publicSources()))));
    }

    void source(Context ctx) {
        long id = Params.id("id", ctx.pathParam("id"));
        write(ctx, queries.source(id).map(ReadHandlers::redacted)
                .orElseThrow(() -> ApiException.notFound("no source with id " + id)));
    }

    private List<SourceSummary> publicSources() {
        return queries.sources().stream().map(ReadHandlers::redacted).toList();
    }

    /** Readers see a feed URL without credentials and with its query values masked; the admin's OPML export has it whole. */
    private static SourceSummary redacted(SourceSummary source) {
        return new SourceSummary(source.id(), source.title(), FeedUrls.redacted(source.feedUrl()), source.siteUrl(),
                source.articleCount(), source.lastFetchedAt(), source.lastError(), source.lastFetchDroppedItems(),
                source.lastFetchDroppedReasons());
    }

    /**
     * The sources answer as it was on first call, served from memory: no database, no Redis. It exists to measure
     * a cache hit against a route that does no I/O at all (docs/PERFORMANCE.md), so it is routed only when
     * {@link Settings#DEBUG_MEMORY_SOURCES} is on.
     */
    void memorySources(Context ctx) {
        byte[] body = memorySources.get();
        if (body == null) {
            synchronized (memorySources) {
                body = memorySources.get();
                if (body == null) {
                    body = json.bytes(new Items<>(publicSources()));
                    memorySources.set(body);
                }
            }
        }
        ctx.contentType("application/json").result(body);
    }

    void search(Context ctx) {
        Params params = new Params(ctx.queryParamMap());
        String q = params.text("q", MAX_QUERY_CHARS);
        if (q == null || q.isEmpty()) {
            throw ApiException.invalidParameter("q", "is required: 1 to " + MAX_QUERY_CHARS + " characters of search text");
        }
        if (notOperators(q) > MAX_NOT_OPERATORS) {
            throw ApiException.invalidParameter("q", "may hold at most " + MAX_NOT_OPERATORS + " '-' (NOT) operators");
        }
        int limit = params.intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String cursor = params.single("cursor");
        Lookup<Representation> lookup;
        try {
            lookup = caches.search(q, limit, cursor);
        } catch (RuntimeException e) {
            if (DatabaseErrors.refusedInput(e)) {
                throw ApiException.invalidParameter("q", "is more than the search engine accepts; use fewer operators");
            }
            throw e;
        }
        writeCached(ctx, lookup);
    }

    /**
     * The {@code -} signs that websearch_to_tsquery reads as NOT: those not inside a word. PostgreSQL parses the
     * query on a stack of 32 entries and fails ("tsquery stack too small") when a run of 32 such signs after a word
     * overflows it; counting every such sign, not only the runs, keeps the rule simple to state.
     */
    static int notOperators(String q) {
        int count = 0;
        for (int i = 0; i < q.length(); i++) {
            if (q.charAt(i) == '-' && (i == 0 || !Character.isLetterOrDigit(q.charAt(i - 1)))) {
                count++;
            }
        }
        return count;
    }

    void trending(Context ctx) {
        Params params = new Params(ctx.queryParamMap());
        int hours = params.intValue("hours", 24, 1, MAX_TRENDING_HOURS);
        int limit = params.intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        writeCached(ctx, caches.trending(hours, limit));
    }

    /**
     * Writes the stored bytes as they are (or a 304 for the tag stored with them) and says how they were served; the
     * cache has reported its own time to the request's timing.
     */
    private void writeCached(Context ctx, Lookup<Representation> lookup) {
        ctx.header("X-Cache", lookup.outcome().name());
        Conditional.write(ctx, lookup.value());
    }

    private void write(Context ctx, Object body) {
        Conditional.write(ctx, Representation.of(json.bytes(body)));
    }

    /** The {@code {"items":[…]}} envelope of unpaginated listings. */
    record Items<T>(List<T> items) {
    }
}
