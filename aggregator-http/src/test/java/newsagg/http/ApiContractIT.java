package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.domain.Source;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The API contract of issue #3, against the real server and a real PostgreSQL. */
class ApiContractIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final int ARTICLES = 130;
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    static TestServer server;
    static List<Source> sources = new ArrayList<>();

    @BeforeAll
    static void startServerWithData() {
        server = TestServer.start(PG);
        NewsCore core = NewsCore.open(PG.dataSource());
        String[] names = {"Alpha Times", "Beta Post", "Gamma Daily"};
        for (int s = 0; s < names.length; s++) {
            sources.add(core.sources().create("https://feeds" + s + ".example.org/rss", names[s], "https://site" + s + ".example.org/"));
        }
        for (int s = 0; s < sources.size(); s++) {
            List<NewArticle> batch = new ArrayList<>();
            for (int i = s; i < ARTICLES; i += sources.size()) {
                batch.add(article(i));
            }
            core.articles().upsert(sources.get(s).id(), batch);
        }
    }

    /** Article i: published i minutes ago, except that pairs share a timestamp, to exercise tie-breaking. */
    static NewArticle article(int i) {
        Instant published = NOW.minus((i / 2) * 7L, ChronoUnit.MINUTES);
        String topic = i % 5 == 0 ? "Election results announced in the capital" : "Markets rally as technology stocks climb";
        String title = topic + " (story " + i + ")";
        String summary = i % 10 == 3
                ? "Analysts discuss the election <script>alert(1)</script> outcome and turnout."
                : "A plain report about business, trade and the weather, number " + i + ".";
        return new NewArticle("k" + i, "guid-" + i, "https://news.example.org/" + i, title, summary,
                "<p>" + i + "</p>", "Reporter " + (i % 4), published, published.plusSeconds(60), List.of("news", "c" + (i % 3)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void articlesAreListedNewestFirstWithTheDocumentedFields() {
        HttpResponse<String> response = server.get("/api/articles");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = TestServer.json(response);
        assertThat(body.get("items")).hasSize(20);
        assertThat(body.get("next_cursor").isTextual()).isTrue();
        JsonNode first = body.get("items").get(0);
        assertThat(fieldNames(first)).containsExactlyInAnyOrder(
                "id", "source_id", "source_title", "title", "url", "summary", "author", "published_at", "categories");
        assertThat(first.get("published_at").asText()).endsWith("Z");
        assertThat(Instant.parse(first.get("published_at").asText())).isEqualTo(NOW);
        assertThat(first.get("categories").isArray()).isTrue();
        assertThat(sources.stream().map(Source::title)).contains(first.get("source_title").asText());
    }

    @Test
    void walkingTheCursorVisitsEveryArticleOnceInOrder() {
        List<JsonNode> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String path = "/api/articles?limit=7" + (cursor == null ? "" : "&cursor=" + encode(cursor));
            JsonNode body = TestServer.json(server.get(path));
            body.get("items").forEach(seen::add);
            cursor = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 100);

        assertThat(seen).hasSize(ARTICLES);
        assertThat(seen.stream().map(n -> n.get("id").asLong()).distinct()).hasSize(ARTICLES);
        for (int i = 1; i < seen.size(); i++) {
            Instant previous = Instant.parse(seen.get(i - 1).get("published_at").asText());
            Instant current = Instant.parse(seen.get(i).get("published_at").asText());
            assertThat(current).isBeforeOrEqualTo(previous);
            if (current.equals(previous)) {
                assertThat(seen.get(i).get("id").asLong()).isLessThan(seen.get(i - 1).get("id").asLong());
            }
        }
        assertThat(pages).isEqualTo((ARTICLES + 6) / 7);
    }

    @Test
    void sourceMayRepeatAndFiltersTheListing() {
        long a = sources.get(0).id();
        long b = sources.get(1).id();

        JsonNode one = TestServer.json(server.get("/api/articles?limit=100&source=" + a));
        JsonNode two = TestServer.json(server.get("/api/articles?limit=100&source=" + a + "&source=" + b));

        assertThat(one.get("items")).isNotEmpty().allSatisfy(n -> assertThat(n.get("source_id").asLong()).isEqualTo(a));
        assertThat(two.get("items")).allSatisfy(n -> assertThat(n.get("source_id").asLong()).isIn(a, b));
        assertThat(two.get("items").size()).isGreaterThan(one.get("items").size());
    }

    @Test
    void sinceIsInclusiveAndUntilExclusive() {
        Instant since = NOW.minus(70, ChronoUnit.MINUTES);
        JsonNode body = TestServer.json(server.get("/api/articles?limit=100&since=" + since + "&until=" + NOW));

        assertThat(body.get("items")).isNotEmpty().allSatisfy(n -> {
            Instant published = Instant.parse(n.get("published_at").asText());
            assertThat(published).isAfterOrEqualTo(since).isBefore(NOW);
        });
        // Pairs share a timestamp every 7 minutes: minutes 7..70 back hold 10 pairs.
        assertThat(body.get("items")).hasSize(20);
    }

    @Test
    void oneArticleCarriesItsContentAndAMissingOneIsA404Problem() {
        long id = TestServer.json(server.get("/api/articles?limit=1")).get("items").get(0).get("id").asLong();

        JsonNode article = TestServer.json(server.get("/api/articles/" + id));
        HttpResponse<String> missing = server.get("/api/articles/999999999");

        assertThat(article.get("id").asLong()).isEqualTo(id);
        assertThat(article.has("content_html")).isTrue();
        assertThat(article.get("content_html").asText()).startsWith("<p>");
        assertProblem(missing, 404);
    }

    @Test
    void sourcesCarryTheirArticleCounts() {
        JsonNode items = TestServer.json(server.get("/api/sources")).get("items");

        assertThat(items).hasSize(3);
        assertThat(fieldNames(items.get(0))).containsExactlyInAnyOrder(
                "id", "title", "feed_url", "site_url", "article_count", "last_fetched_at", "last_error",
                "last_fetch_dropped_items", "last_fetch_dropped_reasons");
        long total = 0;
        for (JsonNode item : items) {
            total += item.get("article_count").asLong();
        }
        assertThat(total).isEqualTo(ARTICLES);
    }

    @Test
    void searchRanksMatchesAndHighlightsThemSafely() {
        JsonNode body = TestServer.json(server.get("/api/search?q=election&limit=100"));

        JsonNode items = body.get("items");
        assertThat(items).isNotEmpty();
        assertThat(items).allSatisfy(n -> {
            assertThat(n.get("rank").isNumber()).isTrue();
            assertThat(n.get("snippet").asText()).doesNotContain("<script>");
            assertThat((n.get("title").asText() + " " + n.get("summary").asText()).toLowerCase()).contains("election");
        });
        assertThat(items.get(0).get("snippet").asText()).contains("<mark>");
        double previous = Double.MAX_VALUE;
        for (JsonNode n : items) {
            assertThat(n.get("rank").asDouble()).isLessThanOrEqualTo(previous);
            previous = n.get("rank").asDouble();
        }
    }

    @Test
    void searchSupportsExclusionAndPaginatesWithoutRepeats() {
        JsonNode excluded = TestServer.json(server.get("/api/search?limit=100&q=" + encode("markets -technology")));
        assertThat(excluded.get("items")).isEmpty();

        Set<Long> ids = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode body = TestServer.json(server.get("/api/search?q=markets&limit=9" + (cursor == null ? "" : "&cursor=" + encode(cursor))));
            body.get("items").forEach(n -> assertThat(ids.add(n.get("id").asLong())).isTrue());
            cursor = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 50);
        assertThat(ids).hasSize(ARTICLES - ARTICLES / 5);
    }

    @Test
    void trendingReportsTermsAndSourcesForTheWindow() {
        JsonNode body = TestServer.json(server.get("/api/trending?hours=24&limit=5"));

        assertThat(body.get("window_hours").asInt()).isEqualTo(24);
        assertThat(body.get("terms")).hasSizeLessThanOrEqualTo(5).isNotEmpty();
        assertThat(fieldNames(body.get("terms").get(0))).containsExactlyInAnyOrder("term", "count");
        assertThat(body.get("sources")).hasSize(3);
        assertThat(fieldNames(body.get("sources").get(0))).containsExactlyInAnyOrder("source_id", "title", "count");
        long total = 0;
        for (JsonNode source : body.get("sources")) {
            total += source.get("count").asLong();
        }
        assertThat(total).isEqualTo(ARTICLES);
    }

    @ParameterizedTest(name = "{0} is a 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "/api/articles?limit=0|limit",
            "/api/articles?limit=101|limit",
            "/api/articles?limit=ten|limit",
            "/api/articles?limit=1&limit=2|limit",
            "/api/articles?source=abc|source",
            "/api/articles?source=-1|source",
            "/api/articles?since=yesterday|since",
            "/api/articles?until=2026-02-30T00:00:00Z|until",
            "/api/articles?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z|since",
            "/api/articles?cursor=not-a-cursor|cursor",
            "/api/articles/abc|id",
            "/api/articles/0|id",
            "/api/articles/99999999999999999999|id",
            "/api/search|q",
            "/api/search?q=|q",
            "/api/search?q=%20%20|q",
            "/api/search?q=war%00peace|q",
            "/api/search?q=news&limit=500|limit",
            "/api/search?q=news&cursor=AAAA|cursor",
            "/api/trending?hours=0|hours",
            "/api/trending?hours=721|hours",
            "/api/trending?limit=0|limit",
    })
    void badParametersAreProblemsNamingTheParameter(String path, String parameter) {
        HttpResponse<String> response = server.get(path);

        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.get("detail").asText()).startsWith(parameter + ":");
    }

    @Test
    void aCursorFromOneListingIsRefusedByAnother() {
        String cursor = TestServer.json(server.get("/api/articles?limit=1")).get("next_cursor").asText();

        assertThat(assertProblem(server.get("/api/search?q=markets&cursor=" + encode(cursor)), 400)
                .get("detail").asText()).startsWith("cursor:");
    }

    @Test
    void anOverlongSearchIsRefused() {
        assertProblem(server.get("/api/search?q=" + "a".repeat(201)), 400);
        assertThat(server.get("/api/search?q=" + "a".repeat(200)).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownRouteIsA404ProblemAndAWrongMethodA405() {
        assertThat(assertProblem(server.get("/api/nothing-here"), 404).get("detail").asText())
                .isEqualTo("no route for GET /api/nothing-here");
        HttpResponse<String> post = server.send(HttpRequest.newBuilder(server.uri("/api/articles"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertProblem(post, 405);
    }

    @Test
    void healthReportsLivenessAndReadinessWithRedisDisabled() {
        HttpResponse<String> live = server.get("/health/live");
        HttpResponse<String> ready = server.get("/health/ready");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(live).get("status").asText()).isEqualTo("up");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode checks = TestServer.json(ready).get("checks");
        assertThat(checks.get("database").asText()).isEqualTo("up");
        assertThat(checks.get("redis").asText()).isEqualTo("disabled");
    }

    @Test
    void everyResponseCarriesSecurityHeadersAndNoServerVersion() {
        for (HttpResponse<String> response : List.of(server.get("/api/articles"), server.get("/api/nope"),
                server.get("/api/articles?limit=0"), server.get("/health/live"))) {
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
            assertThat(response.headers().firstValue("Server")).isEmpty();
        }
    }

    static JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = TestServer.json(response);
        assertThat(fieldNames(problem)).contains("type", "title", "status", "detail");
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("Exception", "\tat ", ".java:");
        return problem;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
