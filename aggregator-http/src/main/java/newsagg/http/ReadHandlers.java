package newsagg.http;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.javalin.http.Context;
import newsagg.cache.Lookup;
import newsagg.core.query.ArticleFilter;
import newsagg.core.query.NewsQueries;
import newsagg.core.timing.StageTimer;

/**
 * The public read endpoints. Each handler validates its parameters into a query, asks the core (through a
 * response cache for the endpoints that earned one), and writes the JSON bytes; nothing else happens here.
 */
final class ReadHandlers {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    static final int MAX_QUERY_CHARS = 200;
    static final int MAX_SOURCES_PER_QUERY = 50;
    static final int MAX_TRENDING_HOURS = 720;
    static final String CACHE_STAGE = "cache";

    private final NewsQueries queries;
    private final Json json;
    private final ResponseCaches caches;
    private final StageTimer timer;
    private final AtomicReference<byte[]> memorySources = new AtomicReference<>();

    ReadHandlers(NewsQueries queries, Json json, ResponseCaches caches, StageTimer timer) {
        this.queries = queries;
        this.json = json;
        this.caches = caches;
        this.timer = timer;
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
        writeCached(ctx, caches.sources());
    }

    void source(Context ctx) {
        long id = Params.id("id", ctx.pathParam("id"));
        write(ctx, queries.source(id).orElseThrow(() -> ApiException.notFound("no source with id " + id)));
    }

    /**
     * The sources answer as it was on first call, served from memory: no database, no Redis. It exists to measure
     * a cache hit against a route that does no I/O at all (docs/PERFORMANCE.md).
     */
    void memorySources(Context ctx) {
        byte[] body = memorySources.get();
        if (body == null) {
            synchronized (memorySources) {
                body = memorySources.get();
                if (body == null) {
                    body = json.bytes(new Items<>(queries.sources()));
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
        int limit = params.intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String cursor = params.single("cursor");
        writeCached(ctx, caches.search(q, limit, cursor));
    }

    void trending(Context ctx) {
        Params params = new Params(ctx.queryParamMap());
        int hours = params.intValue("hours", 24, 1, MAX_TRENDING_HOURS);
        int limit = params.intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        writeCached(ctx, caches.trending(hours, limit));
    }

    /** Writes the stored bytes as they are, says how they were served, and reports the time spent in the cache. */
    private void writeCached(Context ctx, Lookup<byte[]> lookup) {
        timer.add(CACHE_STAGE, lookup.cacheNanos());
        ctx.header("X-Cache", lookup.outcome().name()).contentType("application/json").result(lookup.value());
    }

    private void write(Context ctx, Object body) {
        ctx.contentType("application/json").result(json.bytes(body));
    }

    /** The {@code {"items":[…]}} envelope of unpaginated listings. */
    record Items<T>(List<T> items) {
    }
}
