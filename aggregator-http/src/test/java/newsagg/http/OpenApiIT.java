package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.domain.Source;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keeps {@code /openapi.json} true: its operations are exactly the server's route table, every query parameter it
 * declares is one the route reads, and real answers (good and bad) have a declared status and a body that matches
 * the declared schema, which allows no undeclared field and requires every declared one.
 */
class OpenApiIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String ADMIN_TOKEN = "admin-token-for-openapi-tests-0123";
    static final String METRICS_TOKEN = "metrics-token-for-openapi-tests-01";
    static final String ORIGIN = "https://news.example.com";
    static final Set<String> METHODS = Set.of("get", "head", "post", "delete", "options", "put", "patch");

    static TestServer server;
    static JsonNode spec;
    static long articleId;
    static long sourceId;

    @BeforeAll
    static void start() {
        NewsCore core = NewsCore.open(PG.dataSource());
        Source source = core.sources().create("https://openapi.example.org/rss", "OpenAPI Times", "https://openapi.example.org/");
        sourceId = source.id();
        List<NewArticle> articles = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            articles.add(ApiContractIT.article(i));
        }
        articles.add(new NewArticle("bare", null, null, "Election without a link", "", "", null, Instant.now(),
                Instant.now(), List.of()));
        core.articles().upsert(sourceId, articles);
        articleId = core.queries().newest(ArticleFilter.ALL, 1, null).items().get(0).id();
        server = TestServer.start(PG, Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "METRICS_TOKEN", METRICS_TOKEN,
                "CORS_ORIGINS", ORIGIN, "FEEDS_POLL_ENABLED", "false", "FEEDS_ALLOW_PRIVATE_NETWORKS", "true",
                "DEBUG_MEMORY_SOURCES", "true"));
        HttpResponse<String> document = server.get("/openapi.json");
        assertThat(document.statusCode()).isEqualTo(200);
        spec = TestServer.json(document);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theDocumentIsOpenApi31AndItsOperationsAreExactlyTheRouteTable() {
        assertThat(spec.get("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new TreeSet<>();
        spec.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));

        assertThat(documented).containsExactlyInAnyOrderElementsOf(new TreeSet<>(server.routeTable()));
    }

    @Test
    void everyDeclaredQueryParameterIsReadByItsRoute() {
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            JsonNode get = path.getValue().get("get");
            if (get == null || get.get("parameters") == null) {
                continue;
            }
            for (JsonNode parameter : get.get("parameters")) {
                if (!parameter.get("in").asText().equals("query")) {
                    continue;
                }
                String name = parameter.get("name").asText();
                // Given twice with a value no route accepts: a route that reads it refuses it, naming it.
                String base = path.getKey().equals("/api/search") && !name.equals("q") ? "q=election&" : "";
                HttpResponse<String> response = send("GET", concrete(path.getKey()) + "?" + base + name + "=%00x&" + name + "=%00x",
                        tokenFor(get), null, null);

                assertThat(response.statusCode()).as(path.getKey() + " " + name).isEqualTo(400);
                assertThat(TestServer.json(response).get("detail").asText()).as(path.getKey() + " " + name).startsWith(name + ":");
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    @Test
    void realAnswersHaveADeclaredStatusAndMatchTheirSchema() {
        String opml = "<?xml version=\"1.0\"?><opml version=\"2.0\"><head/><body>"
                + "<outline text=\"X\" type=\"rss\" xmlUrl=\"https://opml.example.org/feed\"/>"
                + "<outline text=\"bad\" type=\"rss\" xmlUrl=\"ftp://opml.example.org/feed\"/></body></opml>";
        List<Call> calls = List.of(
                new Call("GET", "/api/articles", "/api/articles?limit=50", null, null, null),
                new Call("GET", "/api/articles", "/api/articles?limit=0", null, null, null),
                new Call("GET", "/api/articles/{id}", "/api/articles/" + articleId, null, null, null),
                new Call("GET", "/api/articles/{id}", "/api/articles/99999999", null, null, null),
                new Call("GET", "/api/articles/{id}", "/api/articles/x", null, null, null),
                new Call("GET", "/api/sources", "/api/sources", null, null, null),
                new Call("GET", "/api/sources/{id}", "/api/sources/" + sourceId, null, null, null),
                new Call("GET", "/api/sources/{id}", "/api/sources/99999999", null, null, null),
                new Call("GET", "/api/search", "/api/search?q=election&limit=50", null, null, null),
                new Call("GET", "/api/search", "/api/search", null, null, null),
                new Call("GET", "/api/trending", "/api/trending?hours=720", null, null, null),
                new Call("GET", "/api/trending", "/api/trending?hours=721", null, null, null),
                new Call("GET", "/health/live", "/health/live", null, null, null),
                new Call("GET", "/health/ready", "/health/ready", null, null, null),
                new Call("GET", "/metrics", "/metrics", METRICS_TOKEN, null, null),
                new Call("GET", "/metrics", "/metrics", null, null, null),
                new Call("GET", "/debug/timings", "/debug/timings", METRICS_TOKEN, null, null),
                new Call("GET", "/debug/memory/sources", "/debug/memory/sources", METRICS_TOKEN, null, null),
                new Call("GET", "/openapi.json", "/openapi.json", null, null, null),
                new Call("POST", "/api/sources", "/api/sources", ADMIN_TOKEN, "application/json",
                        "{\"feed_url\":\"https://new.example.org/rss\",\"title\":\"New\"}"),
                new Call("POST", "/api/sources", "/api/sources", ADMIN_TOKEN, "application/json",
                        "{\"feed_url\":\"https://new.example.org/rss\"}"),
                new Call("POST", "/api/sources", "/api/sources", ADMIN_TOKEN, "text/plain", "{}"),
                new Call("POST", "/api/sources", "/api/sources", ADMIN_TOKEN, "application/json", "{\"feed_url\":\"ftp://x\"}"),
                new Call("POST", "/api/opml", "/api/opml", ADMIN_TOKEN, "text/x-opml", opml),
                new Call("GET", "/api/opml", "/api/opml", ADMIN_TOKEN, null, null),
                new Call("POST", "/api/sources/{id}/refresh", "/api/sources/99999999/refresh", ADMIN_TOKEN, null, ""),
                new Call("DELETE", "/api/sources/{id}", "/api/sources/99999999", ADMIN_TOKEN, null, null),
                new Call("OPTIONS", "/api/search", "/api/search", null, null, null));
        Set<Integer> statuses = new TreeSet<>();
        for (Call call : calls) {
            HttpResponse<String> response = send(call.method(), call.path(), call.token(), call.contentType(), call.body());
            String what = call.method() + " " + call.path() + " -> " + response.statusCode();
            JsonNode operation = spec.get("paths").get(call.template()).get(call.method().toLowerCase(Locale.ROOT));
            JsonNode declared = resolve(operation.get("responses").get(Integer.toString(response.statusCode())));

            assertThat(declared).as(what + ": a declared status").isNotNull();
            String type = response.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
            if (declared.has("content")) {
                assertThat(declared.get("content").has(type)).as(what + ": declared content type " + type).isTrue();
                JsonNode schema = declared.get("content").get(type).get("schema");
                if (type.endsWith("json")) {
                    List<String> errors = new ArrayList<>();
                    validate(schema, TestServer.json(response), "$", errors);
                    assertThat(errors).as(what).isEmpty();
                }
            } else {
                assertThat(response.body()).as(what + ": no body declared").isEmpty();
            }
            statuses.add(response.statusCode());
        }
        assertThat(statuses).contains(200, 201, 204, 400, 401, 404, 409, 415);
        // The new source again, so that each run leaves the database as it found it.
        send("DELETE", "/api/sources/" + TestServer.json(server.get("/api/sources")).get("items").findValues("id").stream()
                .mapToLong(JsonNode::asLong).max().orElseThrow(), ADMIN_TOKEN, null, null);
    }

    record Call(String method, String template, String path, String token, String contentType, String body) {
    }

    private static String tokenFor(JsonNode operation) {
        return operation.has("security") ? METRICS_TOKEN : null;
    }

    private static String concrete(String template) {
        return template.replace("{id}", Long.toString(articleId));
    }

    private static HttpResponse<String> send(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (method.equals("OPTIONS")) {
            builder.header("Origin", ORIGIN).header("Access-Control-Request-Method", "GET");
        }
        return server.send(builder.build());
    }

    private static JsonNode resolve(JsonNode node) {
        while (node != null && node.has("$ref")) {
            JsonNode target = spec;
            for (String part : node.get("$ref").asText().substring(2).split("/")) {
                target = target.get(part);
            }
            node = target;
        }
        return node;
    }

    /** The subset of JSON Schema the document uses: $ref, type (or a list), properties, required, items, enum. */
    private static void validate(JsonNode declared, JsonNode value, String at, List<String> errors) {
        JsonNode schema = resolve(declared);
        if (schema.has("type")) {
            List<String> types = new ArrayList<>();
            if (schema.get("type").isArray()) {
                schema.get("type").forEach(t -> types.add(t.asText()));
            } else {
                types.add(schema.get("type").asText());
            }
            if (types.stream().noneMatch(t -> hasType(value, t))) {
                errors.add(at + ": " + value.getNodeType() + " is not " + types);
                return;
            }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode option : schema.get("enum")) {
                listed |= option.equals(value);
            }
            if (!listed) {
                errors.add(at + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if ("date-time".equals(schema.path("format").asText()) && value.isTextual()) {
            try {
                Instant.parse(value.asText());
            } catch (RuntimeException e) {
                errors.add(at + ": " + value + " is not a date-time");
            }
        }
        if (value.isObject() && schema.has("properties")) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    errors.add(at + ": missing " + required.asText());
                }
            }
            value.fields().forEachRemaining(field -> {
                JsonNode property = schema.get("properties").get(field.getKey());
                if (property == null) {
                    errors.add(at + ": undeclared field " + field.getKey());
                } else {
                    validate(property, field.getValue(), at + "." + field.getKey(), errors);
                }
            });
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(schema.get("items"), value.get(i), at + "[" + i + "]", errors);
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }
}
