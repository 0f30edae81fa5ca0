package newsagg.http;

import java.time.Instant;
import java.util.List;

import io.javalin.http.Context;
import newsagg.core.query.ArticleFilter;
import newsagg.core.query.NewsQueries;

/**
 * The public read endpoints. Each handler validates its parameters into a query, asks the core, and writes
 * the JSON bytes; nothing else happens here.
 */
final class ReadHandlers {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    static final int MAX_QUERY_CHARS = 200;
    static final int MAX_SOURCES_PER_QUERY = 50;
    static final int MAX_TRENDING_HOURS = 720;

    private final NewsQueries queries;
    private final Json json;

    ReadHandlers(NewsQueries queries, Json json) {
        this.queries = queries;
        this.json = json;
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
        write(ctx, new Items<>(queries.sources()));
    }

    void source(Context ctx) {
        long id = Params.id("id", ctx.pathParam("id"));
        write(ctx, queries.source(id).orElseThrow(() -> ApiException.notFound("no source with id " + id)));
    }

    void search(Context ctx) {
        Params params = new Params(ctx.queryParamMap());
        String q = params.text("q", MAX_QUERY_CHARS);
        if (q == null || q.isEmpty()) {
            throw ApiException.invalidParameter("q", "is required: 1 to " + MAX_QUERY_CHARS + " characters of search text");
        }
        int limit = params.intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String cursor = params.single("cursor");
        write(ctx, queries.search(q, limit, cursor));
    }

    void trending(Context ctx) {
        Params params = new Params(ctx.queryParamMap());
        int hours = params.intValue("hours", 24, 1, MAX_TRENDING_HOURS);
        int limit = params.intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        write(ctx, queries.trending(hours, limit));
    }

    private void write(Context ctx, Object body) {
        ctx.contentType("application/json").result(json.bytes(body));
    }

    /** The {@code {"items":[…]}} envelope of unpaginated listings. */
    record Items<T>(List<T> items) {
    }
}
