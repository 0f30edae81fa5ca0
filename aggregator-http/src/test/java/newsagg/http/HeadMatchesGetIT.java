package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import newsagg.core.NewsCore;
import newsagg.core.domain.Source;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HEAD answers what GET answers, without the body: for every GET route in the route table, in good and bad states
 * (a missing id, a bad parameter, no token, the database cut off). Content-Length, when HEAD sends one, is the
 * length of the GET body.
 */
class HeadMatchesGetIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String ADMIN_TOKEN = "admin-token-for-head-tests-0123456";
    static final String METRICS_TOKEN = "metrics-token-for-head-tests-01234";
    /** Headers whose value is a measurement or a clock, so two requests never agree on them. */
    static final Set<String> PER_REQUEST = Set.of("date", "server-timing");

    static long articleId;
    static long sourceId;

    @BeforeAll
    static void data() {
        NewsCore core = NewsCore.open(PG.dataSource());
        Source source = core.sources().create("https://feed.example.org/rss", "Example", "https://example.org/");
        sourceId = source.id();
        core.articles().upsert(sourceId, List.of(ApiContractIT.article(1), ApiContractIT.article(5)));
        articleId = core.queries().newest(new ArticleFilter(List.of(), null, null), 1, null)
                .items().get(0).id();
    }

    /** One request: a path with its query, and the token it carries (null for none). */
    record Probe(String path, String token) {
    }

    /** Example requests for each GET route template; the test fails when a GET route has none. */
    static Map<String, List<Probe>> probes() {
        Map<String, List<Probe>> probes = new LinkedHashMap<>();
        probes.put("/api/articles", List.of(new Probe("/api/articles", null), new Probe("/api/articles?limit=0", null),
                new Probe("/api/articles?cursor=not-a-cursor", null)));
        probes.put("/api/articles/{id}", List.of(new Probe("/api/articles/" + articleId, null),
                new Probe("/api/articles/99999999", null), new Probe("/api/articles/abc", null)));
        probes.put("/api/sources", List.of(new Probe("/api/sources", null)));
        probes.put("/api/sources/{id}", List.of(new Probe("/api/sources/" + sourceId, null),
                new Probe("/api/sources/99999999", null), new Probe("/api/sources/-1", null)));
        probes.put("/api/search", List.of(new Probe("/api/search?q=election", null), new Probe("/api/search", null),
                new Probe("/api/search?q=markets&limit=500", null)));
        probes.put("/api/trending", List.of(new Probe("/api/trending", null), new Probe("/api/trending?hours=0", null)));
        probes.put("/health/live", List.of(new Probe("/health/live", null)));
        probes.put("/health/ready", List.of(new Probe("/health/ready", null)));
        // Two refused tokens per state (HEAD and GET each): under the five that lock the address out.
        probes.put("/api/opml", List.of(new Probe("/api/opml", ADMIN_TOKEN), new Probe("/api/opml", null)));
        probes.put("/metrics", List.of(new Probe("/metrics", METRICS_TOKEN)));
        probes.put("/debug/timings", List.of(new Probe("/debug/timings", METRICS_TOKEN)));
        probes.put("/debug/memory/sources", List.of(new Probe("/debug/memory/sources", METRICS_TOKEN)));
        probes.put("/openapi.json", List.of(new Probe("/openapi.json", null)));
        return probes;
    }

    static TestServer start() {
        return TestServer.start(PG, Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "METRICS_TOKEN", METRICS_TOKEN,
                "DEBUG_MEMORY_SOURCES", "true"));
    }

    @Test
    void everyGetRouteHasProbesAndAHeadRoute() {
        try (TestServer server = start()) {
            List<String> routes = server.routeTable();
            List<String> getPaths = routes.stream().filter(r -> r.startsWith("GET ")).map(r -> r.substring(4)).toList();

            assertThat(probes().keySet()).as("probes for exactly the GET routes").containsExactlyInAnyOrderElementsOf(getPaths);
            assertThat(routes).as("a HEAD route beside every GET route")
                    .containsAll(getPaths.stream().map(p -> "HEAD " + p).toList());
        }
    }

    @Test
    void headAnswersTheStatusAndHeadersOfGetWithoutABody() {
        try (TestServer server = start()) {
            List<Integer> statuses = compareAll(server);
            assertThat(statuses).as("good and bad states both probed").contains(200, 400, 401, 404);
        }
    }

    @Test
    void headAnswersWhatGetAnswersWhileTheDatabaseIsDown() {
        try (TestServer server = start()) {
            DatabaseUnavailableIT.cutOffTheDatabase(PG);
            List<Integer> statuses = compareAll(server);
            assertThat(statuses).as("readiness and the database reads are 503 while it is down").contains(503);
            HttpResponse<String> ready = server.send(request(server, "HEAD", new Probe("/health/ready", null)));
            assertThat(ready.statusCode()).isEqualTo(503);
        } finally {
            DatabaseUnavailableIT.reopenTheDatabase(PG);
        }
    }

    @Test
    void aHeadAnswerCarriesNoBodyOnTheWire() {
        try (TestServer server = start()) {
            RawHttp.Response head = RawHttp.send(server.port(), "HEAD /api/articles HTTP/1.1");
            RawHttp.Response get = RawHttp.send(server.port(), "GET /api/articles HTTP/1.1");

            assertThat(head.status()).isEqualTo(200);
            assertThat(get.body()).startsWith("{\"items\":[");
            assertThat(head.body()).isEmpty();
        }
    }

    /** Sends HEAD then GET for every probe and compares them; returns the statuses seen. */
    private static List<Integer> compareAll(TestServer server) {
        List<Integer> statuses = new ArrayList<>();
        for (List<Probe> list : probes().values()) {
            for (Probe probe : list) {
                HttpResponse<String> head = server.send(request(server, "HEAD", probe));
                HttpResponse<String> get = server.send(request(server, "GET", probe));
                String what = probe.path() + (probe.token() == null ? "" : " with token");

                assertThat(head.statusCode()).as("status of HEAD %s", what).isEqualTo(get.statusCode());
                assertThat(comparable(head)).as("headers of HEAD %s", what).isEqualTo(comparable(get));
                assertThat(head.body()).as("body of HEAD %s", what).isEmpty();
                head.headers().firstValue("Content-Length").ifPresent(length -> {
                    if (!probe.path().equals("/metrics") && !probe.path().equals("/debug/timings")) {
                        assertThat(Long.parseLong(length)).as("Content-Length of HEAD %s", what)
                                .isEqualTo(get.body().getBytes(StandardCharsets.UTF_8).length);
                    }
                });
                statuses.add(get.statusCode());
            }
        }
        return statuses;
    }

    /** The headers both answers must share: all but the per-request ones and the body's length. */
    private static Map<String, List<String>> comparable(HttpResponse<String> response) {
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (!PER_REQUEST.contains(lower) && !lower.equals("content-length") && !lower.equals(":status")) {
                headers.put(lower, values);
            }
        });
        return headers;
    }

    private static HttpRequest request(TestServer server, String method, Probe probe) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(probe.path())).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (probe.token() != null) {
            builder.header("Authorization", "Bearer " + probe.token());
        }
        return builder.build();
    }
}
