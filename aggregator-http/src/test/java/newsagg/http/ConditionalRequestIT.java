package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import newsagg.cache.testing.TestRedisServer;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Entity tags, {@code If-None-Match}, {@code Cache-Control} and {@code Vary} on the real server, with the response
 * cache on the real Redis and CORS on.
 */
class ConditionalRequestIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String ORIGIN = "https://news.example.com";
    static TestServer server;
    static NewsCore core;
    static long sourceId;
    static List<String> readPaths;

    @BeforeAll
    static void start() {
        core = NewsCore.open(PG.dataSource());
        sourceId = core.sources().create("https://tags.example.org/rss", "Tags", "https://tags.example.org/").id();
        List<NewArticle> articles = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            articles.add(ApiContractIT.article(i));
        }
        core.articles().upsert(sourceId, articles);
        long articleId = core.queries().newest(new ArticleFilter(List.of(), null, null), 1, null).items().get(0).id();
        readPaths = List.of("/api/articles", "/api/articles/" + articleId, "/api/sources", "/api/search?q=election",
                "/api/trending");
        server = TestServer.start(PG, Map.of("CACHE_ENABLED", "true", "REDIS_URL", TestRedisServer.url().toString(),
                "CORS_ORIGINS", ORIGIN));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyReadAnswerCarriesAStrongTagOverItsBytesNoCacheAndVary() {
        for (String path : readPaths) {
            HttpResponse<String> response = server.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("ETag")).as(path)
                    .hasValue(Representation.of(response.body().getBytes(StandardCharsets.UTF_8)).etag());
            assertThat(response.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
            assertThat(response.headers().firstValue("Vary")).as(path).hasValue("Accept-Encoding, Origin");
        }
    }

    @Test
    void aMatchingIfNoneMatchGets304WithNoBodyAndTheHeadersA200WouldHave() {
        for (String path : readPaths) {
            HttpResponse<String> full = server.get(path);
            String tag = full.headers().firstValue("ETag").orElseThrow();

            for (String field : List.of(tag, "\"other\", W/" + tag, "*")) {
                for (String method : List.of("GET", "HEAD")) {
                    HttpResponse<String> revalidated = server.send(request(method, path).header("If-None-Match", field).build());

                    String what = method + " " + path + " If-None-Match: " + field;
                    assertThat(revalidated.statusCode()).as(what).isEqualTo(304);
                    assertThat(revalidated.body()).as(what).isEmpty();
                    assertThat(revalidated.headers().firstValue("ETag")).as(what).hasValue(tag);
                    assertThat(revalidated.headers().firstValue("Cache-Control")).as(what).hasValue("no-cache");
                    assertThat(revalidated.headers().firstValue("Vary")).as(what).hasValue("Accept-Encoding, Origin");
                    assertThat(revalidated.headers().firstValue("Content-Type")).as(what).isEmpty();
                }
            }
        }
    }

    @Test
    void aTagThatDoesNotMatchGetsTheFullAnswer() {
        for (String path : readPaths) {
            HttpResponse<String> response = server.send(request("GET", path).header("If-None-Match", "\"stale\", W/\"older\"").build());

            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).startsWith("{");
        }
    }

    @Test
    void aCacheHitCarriesTheTagStoredWithItsBytes() {
        String path = "/api/trending?hours=48&limit=7";
        HttpResponse<String> miss = server.get(path);
        HttpResponse<String> hit = server.get(path);
        HttpResponse<String> revalidatedHit = server.send(request("GET", path)
                .header("If-None-Match", miss.headers().firstValue("ETag").orElseThrow()).build());

        assertThat(miss.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(hit.headers().firstValue("ETag")).isEqualTo(miss.headers().firstValue("ETag"));
        assertThat(hit.body()).isEqualTo(miss.body());
        assertThat(revalidatedHit.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(revalidatedHit.statusCode()).isEqualTo(304);
    }

    @Test
    void aNewArticleChangesTheTagSoARevalidationGetsTheNewAnswer() {
        String path = "/api/articles?limit=3";
        HttpResponse<String> before = server.get(path);
        String tag = before.headers().firstValue("ETag").orElseThrow();

        core.articles().upsert(sourceId, List.of(new NewArticle("fresh", "fresh", "https://tags.example.org/fresh",
                "A fresh story", "New.", "<p>n</p>", null, java.time.Instant.now(), java.time.Instant.now(), List.of())));
        HttpResponse<String> after = server.send(request("GET", path).header("If-None-Match", tag).build());

        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("A fresh story");
        assertThat(after.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(tag);
    }

    @Test
    void errorsHealthAndAdminAnswersAreNoStoreWithoutATag() {
        for (String path : List.of("/api/articles/99999999", "/api/articles?limit=0", "/health/ready", "/health/live",
                "/api/opml", "/nowhere")) {
            HttpResponse<String> response = server.send(request("GET", path).header("If-None-Match", "*").build());

            assertThat(response.statusCode()).as(path).isNotEqualTo(304);
            assertThat(response.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
            assertThat(response.headers().firstValue("ETag")).as(path).isEmpty();
            assertThat(response.headers().allValues("Vary")).as(path).anySatisfy(v -> assertThat(v).contains("Accept-Encoding"));
        }
    }

    @Test
    void aCompressedAnswerVariesByAcceptEncodingAndWithoutCorsByNothingElse() {
        try (TestServer plain = TestServer.start(PG)) {
            HttpResponse<byte[]> gzipped = sendBytes(plain, request("GET", "/api/articles?limit=40", plain)
                    .header("Accept-Encoding", "gzip").build());
            HttpResponse<String> identity = plain.get("/api/articles?limit=40");

            assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(gzipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
            assertThat(identity.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(identity.headers().firstValue("Vary")).hasValue("Accept-Encoding");
            assertThat(gzipped.headers().firstValue("ETag")).isEqualTo(identity.headers().firstValue("ETag"));
        }
    }

    private static HttpRequest.Builder request(String method, String path) {
        return request(method, path, server);
    }

    private static HttpRequest.Builder request(String method, String path, TestServer target) {
        return HttpRequest.newBuilder(target.uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<byte[]> sendBytes(TestServer target, HttpRequest request) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
