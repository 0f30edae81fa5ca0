package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.domain.Source;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Timing handlers, Server-Timing, /debug/timings and /metrics on the real server. */
class TimingIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String METRICS_TOKEN = "metrics-token-for-tests-0123";
    static TestServer server;
    static long articleId;

    @BeforeAll
    static void start() {
        server = TestServer.start(PG, Map.of("METRICS_TOKEN", METRICS_TOKEN));
        NewsCore core = NewsCore.open(PG.dataSource());
        Source source = core.sources().create("https://timing.example.org/feed", "Timing Source", null);
        Instant now = Instant.now();
        core.articles().upsert(source.id(), List.of(new NewArticle("k1", "g1", "https://timing.example.org/1",
                "Timed article", "Summary", "<p>x</p>", null, now, now, List.of())));
        articleId = TestServer.json(server.get("/api/articles")).get("items").get(0).get("id").asLong();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> withToken(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request.build());
    }

    private static HttpResponse<String> reset(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/debug/timings")).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request.build());
    }

    @Test
    void onlyAPostWithTheMetricsTokenResetsTheTimings() {
        server.get("/api/articles/" + articleId);

        ApiContractIT.assertProblem(reset(null), 401);
        assertThat(ApiContractIT.assertProblem(withToken("/debug/timings?reset=true", METRICS_TOKEN), 400)
                .get("detail").asText()).startsWith("reset: ");
        assertThat(TestServer.json(withToken("/debug/timings", METRICS_TOKEN)).get("routes"))
                .anySatisfy(row -> assertThat(row.get("route").asText()).isEqualTo("/api/articles/{id}"));

        assertThat(reset(METRICS_TOKEN).statusCode()).isEqualTo(200);
        assertThat(TestServer.json(withToken("/debug/timings", METRICS_TOKEN)).get("routes"))
                .noneSatisfy(row -> assertThat(row.get("route").asText()).isEqualTo("/api/articles/{id}"));
    }

    @Test
    void everyResponseCarriesServerTimingWithTotalAndDatabaseTime() {
        HttpResponse<String> response = server.get("/api/articles/" + articleId);

        String header = response.headers().firstValue("Server-Timing").orElseThrow();
        assertThat(header).matches("total;dur=\\d+\\.\\d{3}, db;dur=\\d+\\.\\d{3}");
        double total = Double.parseDouble(header.replaceAll("total;dur=([0-9.]+).*", "$1"));
        double db = Double.parseDouble(header.replaceAll(".*db;dur=([0-9.]+)", "$1"));
        assertThat(db).isPositive().isLessThanOrEqualTo(total);
        assertThat(server.get("/health/live").headers().firstValue("Server-Timing")).hasValueSatisfying(v -> assertThat(v).startsWith("total;dur="));
    }

    @Test
    void debugTimingsGroupsByRouteTemplateAndStatusClassAndCanReset() {
        reset(METRICS_TOKEN);
        server.get("/api/articles/" + articleId);
        server.get("/api/articles/999999");
        server.get("/api/articles/abc");
        server.get("/no/such/route");

        JsonNode report = TestServer.json(withToken("/debug/timings", METRICS_TOKEN));
        JsonNode routes = report.get("routes");

        assertThat(routes).anySatisfy(row -> {
            assertThat(row.get("route").asText()).isEqualTo("/api/articles/{id}");
            assertThat(row.get("status_class").asText()).isEqualTo("2xx");
            assertThat(row.get("count").asLong()).isEqualTo(1);
        });
        assertThat(routes).anySatisfy(row -> {
            assertThat(row.get("route").asText()).isEqualTo("/api/articles/{id}");
            assertThat(row.get("status_class").asText()).isEqualTo("4xx");
            assertThat(row.get("count").asLong()).isEqualTo(2);
        });
        assertThat(routes).anySatisfy(row -> assertThat(row.get("route").asText()).isEqualTo(RequestTiming.UNMATCHED_ROUTE));
        assertThat(routes).noneSatisfy(row -> assertThat(row.get("route").asText()).contains(Long.toString(articleId)));
        JsonNode first = routes.get(0);
        assertThat(RouteLatenciesTest.fieldNames(first)).contains("count", "mean_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "total_ms", "share");
        for (int i = 1; i < routes.size(); i++) {
            assertThat(routes.get(i).get("total_ms").asDouble()).isLessThanOrEqualTo(routes.get(i - 1).get("total_ms").asDouble());
        }

        reset(METRICS_TOKEN);
        JsonNode afterReset = TestServer.json(withToken("/debug/timings", METRICS_TOKEN)).get("routes");
        assertThat(afterReset).noneSatisfy(row -> assertThat(row.get("route").asText()).isEqualTo("/api/articles/{id}"));
    }

    @Test
    void metricsExposeRequestDurationsPoolGaugesAndJvmBasics() {
        server.get("/api/articles/" + articleId);

        HttpResponse<String> response = withToken("/metrics", METRICS_TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(response.body())
                .contains("http_server_request_duration_seconds_bucket{")
                .contains("route=\"/api/articles/{id}\"")
                .contains("hikaricp_connections_active", "hikaricp_connections_idle", "hikaricp_connections_pending")
                .contains("hikaricp_connections ", "newsagg_redis_pool_active ", "newsagg_redis_pool_idle ")
                .contains("jvm_memory_used_bytes", "jvm_gc_collection_seconds");
    }

    @Test
    void theMetricsTokenProtectsMetricsAndTimings() {
        for (String path : List.of("/metrics", "/debug/timings")) {
            HttpResponse<String> none = withToken(path, null);
            HttpResponse<String> wrong = withToken(path, "not-the-token-at-all-xxxx");

            ApiContractIT.assertProblem(none, 401);
            ApiContractIT.assertProblem(wrong, 401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(withToken(path, METRICS_TOKEN).statusCode()).isEqualTo(200);
        }
    }
}
