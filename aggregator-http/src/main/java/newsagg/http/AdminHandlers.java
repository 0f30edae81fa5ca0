package newsagg.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import newsagg.core.domain.Source;
import newsagg.core.ingest.FeedIngester;
import newsagg.core.ingest.FeedIngester.RefreshResult;
import newsagg.core.ingest.Opml;
import newsagg.core.ingest.Opml.OpmlException;
import newsagg.core.ingest.Subscriptions;
import newsagg.core.ingest.Subscriptions.OpmlImportResult;
import newsagg.core.query.NewsQueries;
import newsagg.core.store.DuplicateSourceException;
import newsagg.core.store.SourceStore;

/**
 * The admin endpoints: add, delete and refresh sources, and OPML import and export. Every one of them first
 * checks the admin bearer token (in constant time, slowed after repeated failures); with no {@code ADMIN_TOKEN}
 * configured they answer 403 and say how to enable them. Only then is the request body looked at, and every
 * POST checks its content type: JSON, OPML, or none at all for a refresh. What changes the sources is
 * {@link Subscriptions}' to do, the URL check and the cache's notification included.
 */
final class AdminHandlers {

    static final int MAX_TITLE_CHARS = 200;
    private static final Set<String> OPML_TYPES = Set.of("text/xml", "application/xml", "text/x-opml", "application/x-opml");

    private final TokenCheck adminToken;
    private final NewsQueries queries;
    private final SourceStore sources;
    private final FeedIngester ingester;
    private final Subscriptions subscriptions;
    private final Json json;

    /** {@code adminToken} null means admin endpoints are disabled. */
    AdminHandlers(TokenCheck adminToken, NewsQueries queries, SourceStore sources, FeedIngester ingester,
                  Subscriptions subscriptions, Json json) {
        this.adminToken = adminToken;
        this.queries = queries;
        this.sources = sources;
        this.ingester = ingester;
        this.subscriptions = subscriptions;
        this.json = json;
    }

    void createSource(Context ctx) {
        requireAdmin(ctx);
        requireContentType(ctx, Set.of("application/json"), "application/json");
        JsonNode body = jsonBody(ctx);
        String feedUrl = requiredText(body.get("feed_url"), "feed_url");
        String title = optionalText(body.get("title"), "title", MAX_TITLE_CHARS);
        Source source;
        try {
            source = subscriptions.add(feedUrl, title);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter("feed_url", e.getMessage());
        } catch (DuplicateSourceException e) {
            throw ApiException.conflict("a source with feed_url " + e.feedUrl() + " already exists");
        }
        ctx.status(201).header("Location", "/api/sources/" + source.id());
        write(ctx, queries.source(source.id()).orElseThrow(() -> ApiException.notFound("the new source was deleted")));
    }

    void deleteSource(Context ctx) {
        requireAdmin(ctx);
        long id = Params.id("id", ctx.pathParam("id"));
        if (!subscriptions.remove(id)) {
            throw ApiException.notFound("no source with id " + id);
        }
        ctx.status(204);
    }

    void refresh(Context ctx) {
        requireAdmin(ctx);
        requireNoBody(ctx);
        long id = Params.id("id", ctx.pathParam("id"));
        Source source = sources.find(id).orElseThrow(() -> ApiException.notFound("no source with id " + id));
        RefreshResult result = ingester.refresh(source);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", result.status().wireName());
        body.put("new", result.inserted());
        body.put("updated", result.updated());
        body.put("error", result.error());
        body.put("dropped", result.dropped().byWireName());
        write(ctx, body);
    }

    void importOpml(Context ctx) {
        requireAdmin(ctx);
        requireContentType(ctx, OPML_TYPES, "OPML (text/x-opml, application/x-opml, text/xml or application/xml)");
        try (InputStream in = new ByteArrayInputStream(ctx.bodyAsBytes())) {
            OpmlImportResult result = subscriptions.importDocument(Opml.parse(in));
            write(ctx, result);
        } catch (OpmlException e) {
            throw ApiException.invalidParameter("body", e.getMessage());
        } catch (IOException e) {
            throw ApiException.invalidParameter("body", "could not be read");
        }
    }

    void exportOpml(Context ctx) {
        requireAdmin(ctx);
        ctx.contentType("text/x-opml; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"newsagg.opml\"")
                .result(Opml.export(sources.list()));
    }

    private void requireAdmin(Context ctx) {
        if (adminToken == null) {
            throw ApiException.disabled("admin endpoints are disabled: set ADMIN_TOKEN (16 or more characters) to enable them");
        }
        adminToken.require(ctx);
    }

    private static void requireContentType(Context ctx, Set<String> accepted, String description) {
        // The raw header: the servlet's getContentType() parses the charset and throws on a bogus one (a 500).
        String raw = ctx.header("Content-Type");
        String mediaType = raw == null ? "" : raw.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!accepted.contains(mediaType)) {
            throw ApiException.unsupportedMediaType(description);
        }
    }

    /**
     * A refresh takes no body. Reading it (bounded by Javalin's cap, chunked or not) is what makes an oversized
     * one a 413 rather than something silently discarded.
     */
    private static void requireNoBody(Context ctx) {
        if (ctx.bodyAsBytes().length > 0) {
            throw ApiException.unsupportedMediaType("empty: a refresh takes no body");
        }
    }

    private JsonNode jsonBody(Context ctx) {
        try {
            JsonNode body = json.mapper().readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw ApiException.invalidParameter("body", "must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw ApiException.invalidParameter("body", "is not valid JSON");
        }
    }

    private static String requiredText(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            throw ApiException.invalidParameter(name, "is required");
        }
        if (!node.isTextual()) {
            throw ApiException.invalidParameter(name, "must be a string");
        }
        return node.asText();
    }

    private static String optionalText(JsonNode node, String name, int maxChars) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalidParameter(name, "must be a string");
        }
        String value = node.asText().strip();
        if (value.indexOf('\0') >= 0) {
            throw ApiException.invalidParameter(name, "must not contain NUL characters");
        }
        if (value.codePointCount(0, value.length()) > maxChars) {
            throw ApiException.invalidParameter(name, "must be at most " + maxChars + " characters");
        }
        return value.isEmpty() ? null : value;
    }

    private void write(Context ctx, Object body) {
        ctx.contentType("application/json").result(json.bytes(body));
    }
}
