package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests no client should send: over every size limit, with odd methods, malformed bytes, wrong content types
 * or wrong tokens. Each is refused with a 4xx problem that carries the security headers and no {@code Server}
 * header, whether Javalin or Jetty itself refuses it, and the server stays ready afterwards.
 */
class HostileRequestIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String TOKEN = "hostile-admin-token-0123456789";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int OVER_BODY_CAP = RequestLimits.MAX_BODY_BYTES + 100_000;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "FEEDS_POLL_ENABLED", "false"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static int port() {
        return server.uri("/").getPort();
    }

    /** A problem as {@link ApiContractIT#assertProblem} checks it, plus the headers every response must carry. */
    static JsonNode assertRawProblem(RawHttp.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertSecurityHeaders(response);
        try {
            JsonNode problem = MAPPER.readTree(response.body());
            assertThat(ApiContractIT.fieldNames(problem)).contains("type", "title", "status", "detail");
            assertThat(problem.get("status").asInt()).isEqualTo(status);
            assertThat(response.body()).doesNotContain("Exception", "\tat ", ".java:", "<html");
            return problem;
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static void assertSecurityHeaders(RawHttp.Response response) {
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("Server")).isNull();
        assertThat(response.headers().keySet()).noneMatch(name -> name.startsWith("access-control-"));
    }

    @Test
    void aRequestLineOverTheCapIsA414ProblemFromJetty() {
        JsonNode problem = assertRawProblem(RawHttp.send(port(), "GET /api/articles/" + "a".repeat(RequestLimits.MAX_HEADER_BYTES) + " HTTP/1.1"), 414);

        assertThat(problem.get("type").asText()).isEqualTo("urn:newsagg:problem:uri-too-long");
    }

    @Test
    void aQueryStringOverFourKibIsA414ProblemAndOneAtTheCapIsServed() {
        String prefix = "/api/articles?pad=";
        String atCap = prefix + "a".repeat(RequestLimits.MAX_QUERY_CHARS - "pad=".length());

        assertThat(server.get(atCap).statusCode()).isEqualTo(200);
        assertThat(ApiContractIT.assertProblem(server.get(atCap + "a"), 414).get("detail").asText()).contains("4096");
    }

    @Test
    void aHeaderBlockOverTheCapIsA431ProblemFromJetty() {
        assertRawProblem(RawHttp.send(port(), "GET /api/articles HTTP/1.1\r\nX-Padding: " + "a".repeat(RequestLimits.MAX_HEADER_BYTES)), 431);
        assertThat(RawHttp.send(port(), "GET /api/articles HTTP/1.1\r\nX-Padding: " + "a".repeat(4_000)).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /api/articles/%zz HTTP/1.1", "GET /api/\u0001\u0002 HTTP/1.1", "GET /api/articles/%00 HTTP/1.1",
            "GET /api/../../etc/passwd HTTP/1.1", "G\u0000T /api/articles HTTP/1.1", "GET /api/articles HTTP/1.1\r\nBad Header: x",
            "CONNECT /api/articles HTTP/1.1"})
    void aMalformedRequestIsA400ProblemWithoutJettysPage(String head) {
        assertRawProblem(RawHttp.send(port(), head), 400);
    }

    @ParameterizedTest
    @CsvSource({"/api/sources, application/json", "/api/opml, text/x-opml", "/api/sources/1/refresh, application/json"})
    void aBodyOverTheCapIsA413ProblemOnEveryAdminPostWithOrWithoutContentLength(String path, String contentType) {
        String head = "POST " + path + " HTTP/1.1\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: " + contentType;
        byte[] body = "a".repeat(OVER_BODY_CAP).getBytes(StandardCharsets.US_ASCII);

        assertRawProblem(RawHttp.send(port(), head + "\r\nContent-Length: " + body.length, body), 413);
        assertRawProblem(RawHttp.send(port(), head + "\r\nTransfer-Encoding: chunked", RawHttp.chunked(OVER_BODY_CAP)), 413);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRACE /api/articles", "PROPFIND /api/articles", "BREW /api/sources/1", "PATCH /api/articles/1",
            "PUT /api/trending", "DELETE /api/articles", "OPTIONS /api/articles", "CONNECT 127.0.0.1:5432"})
    void oddMethodsAre405Problems(String methodAndTarget) {
        assertRawProblem(RawHttp.send(port(), methodAndTarget + " HTTP/1.1"), 405);
    }

    @Test
    void everyAdminPostChecksItsContentTypeAndNamesTheExpectedOne() {
        assertThat(ApiContractIT.assertProblem(AdminApiIT.post(server, "/api/sources", "text/plain", "{}", TOKEN), 415)
                .get("detail").asText()).contains("application/json");
        assertThat(ApiContractIT.assertProblem(AdminApiIT.post(server, "/api/sources", null, "{}", TOKEN), 415)
                .get("detail").asText()).contains("application/json");
        assertThat(ApiContractIT.assertProblem(AdminApiIT.post(server, "/api/opml", "application/json", "{}", TOKEN), 415)
                .get("detail").asText()).contains("text/x-opml");
        assertThat(ApiContractIT.assertProblem(AdminApiIT.post(server, "/api/sources/1/refresh", "application/json", "{}", TOKEN), 415)
                .get("detail").asText()).contains("empty");
        ApiContractIT.assertProblem(AdminApiIT.post(server, "/api/sources/999999/refresh", null, "", TOKEN), 404);
    }

    @Test
    void theServerIsStillReadyAfterABurstOfOversizedRequests() {
        byte[] body = "a".repeat(OVER_BODY_CAP).getBytes(StandardCharsets.US_ASCII);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(RawHttp.send(port(), "GET /api/articles/" + "a".repeat(20_000) + " HTTP/1.1").status());
            statuses.add(RawHttp.send(port(), "GET /api/articles HTTP/1.1\r\nX-Padding: " + "a".repeat(20_000)).status());
            statuses.add(RawHttp.send(port(), "POST /api/sources HTTP/1.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length, body).status());
            statuses.add(RawHttp.send(port(), "POST /api/opml HTTP/1.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: text/x-opml\r\nTransfer-Encoding: chunked", RawHttp.chunked(OVER_BODY_CAP)).status());
            statuses.add(server.get("/api/search?q=" + "a".repeat(5_000)).statusCode());
        }

        assertThat(statuses).hasSize(50).allSatisfy(status -> assertThat(status).isIn(413, 414, 431));
        assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aRefusedTokenSaysOnlyThatAuthenticationIsRequired() {
        HttpResponse<String> missing = AdminApiIT.post(server, "/api/sources", "application/json", "{}", null);
        HttpResponse<String> wrong = AdminApiIT.post(server, "/api/sources", "application/json", "{}", "not-the-token-not-the-token");

        assertThat(ApiContractIT.assertProblem(missing, 401).get("detail").asText()).isEqualTo("authentication required");
        assertThat(wrong.body()).isEqualTo(missing.body());
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void repeatedFailuresFromOneAddressAre429WithRetryAfterWhileTheRightTokenStillGetsIn() {
        try (TestServer own = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "FEEDS_POLL_ENABLED", "false"))) {
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> refused = null;
            for (int i = 0; i < 12 && refused == null; i++) {
                HttpResponse<String> response = opml(own, "wrong-token-wrong-token");
                statuses.add(response.statusCode());
                if (response.statusCode() == 429) {
                    refused = response;
                }
            }

            assertThat(statuses.subList(0, AuthFailures.FREE_FAILURES)).containsOnly(401);
            assertThat(refused).as("a 429 after %s", statuses).isNotNull();
            ApiContractIT.assertProblem(refused, 429);
            assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
            assertThat(opml(own, "wrong-token-wrong-token").statusCode()).as("a wrong token waits out the lock").isEqualTo(429);
            assertThat(opml(own, TOKEN).statusCode()).as("others' failures never lock out the right token").isEqualTo(200);
            assertThat(opml(own, "wrong-token-wrong-token").statusCode()).as("a success forgets the failures").isEqualTo(401);
        }
    }

    @Test
    void wrongMetricsTokensDoNotLockTheAdminEndpoints() {
        try (TestServer own = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "METRICS_TOKEN", "metrics-token-0123456789",
                "FEEDS_POLL_ENABLED", "false"))) {
            List<Integer> metrics = new ArrayList<>();
            for (int i = 0; i < AuthFailures.FREE_FAILURES + 2; i++) {
                metrics.add(own.send(HttpRequest.newBuilder(own.uri("/metrics")).header("Authorization", "Bearer wrong-" + i)
                        .GET().build()).statusCode());
            }

            assertThat(metrics).contains(429);
            assertThat(opml(own, "wrong-token-wrong-token").statusCode()).as("the admin counter is its own").isEqualTo(401);
        }
    }

    static HttpResponse<String> opml(TestServer target, String token) {
        return target.send(HttpRequest.newBuilder(target.uri("/api/opml")).header("Authorization", "Bearer " + token).GET().build());
    }

    @Test
    void theServerListensOnlyOnTheLoopbackAddressByDefault() {
        // 127.0.0.2 is loopback too, and reaches a server listening on every interface, but not one on 127.0.0.1.
        assertThatThrownBy(() -> {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.2", port()), 2_000);
            }
        }).isInstanceOf(java.net.ConnectException.class);
        assertThat(RawHttp.send(port(), "GET /health/live HTTP/1.1").status()).isEqualTo(200);
    }

    @Test
    void corsIsOffByDefault() {
        RawHttp.Response get = RawHttp.send(port(), "GET /api/articles HTTP/1.1\r\nOrigin: https://news.example.com");
        RawHttp.Response preflight = RawHttp.send(port(), "OPTIONS /api/articles HTTP/1.1\r\nOrigin: https://news.example.com"
                + "\r\nAccess-Control-Request-Method: GET");

        assertThat(get.status()).isEqualTo(200);
        assertSecurityHeaders(get);
        assertRawProblem(preflight, 405);
    }

    @Test
    void configuredOriginsMayReadTheApiButNotTheAdminEndpoints() {
        try (TestServer cors = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "FEEDS_POLL_ENABLED", "false",
                "CORS_ORIGINS", "https://news.example.com, http://localhost:3000"))) {
            int port = cors.uri("/").getPort();
            for (String path : List.of("/api/articles", "/api/sources", "/api/search?q=news", "/api/trending", "/api/articles/999")) {
                RawHttp.Response allowed = RawHttp.send(port, "GET " + path + " HTTP/1.1\r\nOrigin: http://localhost:3000");
                assertThat(allowed.header("Access-Control-Allow-Origin")).as(path).isEqualTo("http://localhost:3000");
                assertThat(allowed.header("Vary")).as(path).contains("Origin");
                RawHttp.Response other = RawHttp.send(port, "GET " + path + " HTTP/1.1\r\nOrigin: https://evil.example.com");
                assertThat(other.header("Access-Control-Allow-Origin")).as(path).isNull();
                assertThat(other.header("Vary")).as(path).contains("Origin");
            }

            RawHttp.Response preflight = RawHttp.send(port, "OPTIONS /api/articles/1 HTTP/1.1\r\nOrigin: https://news.example.com"
                    + "\r\nAccess-Control-Request-Method: GET");
            assertThat(preflight.status()).isEqualTo(204);
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://news.example.com");
            assertThat(preflight.header("Access-Control-Allow-Methods")).isEqualTo("GET, HEAD");

            assertRawProblem(RawHttp.send(port, "OPTIONS /api/articles HTTP/1.1\r\nOrigin: https://evil.example.com"
                    + "\r\nAccess-Control-Request-Method: GET"), 403);
            assertRawProblem(RawHttp.send(port, "OPTIONS /api/sources HTTP/1.1\r\nOrigin: https://news.example.com"
                    + "\r\nAccess-Control-Request-Method: POST"), 403);
            assertRawProblem(RawHttp.send(port, "OPTIONS /api/opml HTTP/1.1\r\nOrigin: https://news.example.com"
                    + "\r\nAccess-Control-Request-Method: GET"), 405);
            assertRawProblem(RawHttp.send(port, "OPTIONS /api/sources/1/refresh HTTP/1.1\r\nOrigin: https://news.example.com"
                    + "\r\nAccess-Control-Request-Method: POST"), 405);
            RawHttp.Response admin = RawHttp.send(port, "GET /api/opml HTTP/1.1\r\nOrigin: https://news.example.com\r\nAuthorization: Bearer " + TOKEN);
            assertThat(admin.status()).isEqualTo(200);
            assertSecurityHeaders(admin);
            assertSecurityHeaders(RawHttp.send(port, "GET /health/ready HTTP/1.1\r\nOrigin: https://news.example.com"));
        }
    }
}
