package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API end to end: through HTTP alone an admin adds a feed served on 127.0.0.1, refreshes it and reads
 * its articles; hostile feeds and bad requests are refused clearly.
 */
class AdminApiIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String TOKEN = "admin-token-for-tests-0123456789";
    /** Feed bodies by path, so that each test serves its own feed. */
    static final Map<String, String> FEEDS = new ConcurrentHashMap<>();

    static TestServer server;
    static newsagg.core.ingest.fetch.TestServer feeds;

    @BeforeAll
    static void start() {
        feeds = new newsagg.core.ingest.fetch.TestServer()
                .on("/xxe.xml", exchange -> newsagg.core.ingest.fetch.TestServer.respond(exchange, 200,
                        Map.of("Content-Type", "application/rss+xml"), XXE.getBytes(StandardCharsets.UTF_8)))
                .on("/page.html", exchange -> newsagg.core.ingest.fetch.TestServer.respond(exchange, 200,
                        Map.of("Content-Type", "text/html"), "<!doctype html><html><body>hi</body></html>".getBytes(StandardCharsets.UTF_8)));
        server = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "FEEDS_ALLOW_PRIVATE_NETWORKS", "true",
                "FEEDS_POLL_ENABLED", "false"));
    }

    @AfterAll
    static void stop() {
        server.close();
        feeds.close();
    }

    static final String XXE = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><title>x</title><item><title>&xxe;</title><guid>x1</guid></item></channel></rss>""";

    /** Serves {@code body} at {@code path} from now on (replacing what was there). */
    static void serve(String path, String body) {
        FEEDS.put(path, body);
        feeds.on(path, exchange -> newsagg.core.ingest.fetch.TestServer.respond(exchange, 200,
                Map.of("Content-Type", "application/rss+xml; charset=utf-8"), FEEDS.get(path).getBytes(StandardCharsets.UTF_8)));
    }

    static String item(String guid, String title) {
        return "<item><guid>" + guid + "</guid><title>" + title + "</title><link>https://example.org/" + guid
                + "</link><description>About " + title + "</description><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>";
    }

    static String rss(String... items) {
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Local Feed</title><link>https://example.org/</link>"
                + String.join("", items) + "</channel></rss>";
    }

    static HttpResponse<String> post(String path, String contentType, String body, String token) {
        return post(server, path, contentType, body, token);
    }

    static HttpResponse<String> post(TestServer server, String path, String contentType, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return server.send(request.build());
    }

    static HttpResponse<String> addSource(String url) {
        return post("/api/sources", "application/json", "{\"feed_url\":\"" + url + "\"}", TOKEN);
    }

    @Test
    void anAdminAddsRefreshesAndReadsAFeedAndRefreshesAreIdempotent() {
        serve("/f/main.xml", rss(item("1", "First story"), item("2", "Second story")));
        HttpResponse<String> created = addSource(feeds.uri("/f/main.xml").toString());

        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        long id = TestServer.json(created).get("id").asLong();
        assertThat(location).isEqualTo("/api/sources/" + id);
        assertThat(server.get(location).statusCode()).isEqualTo(200);

        JsonNode first = TestServer.json(post("/api/sources/" + id + "/refresh", null, "", TOKEN));
        assertThat(first.get("status").asText()).isEqualTo("ok");
        assertThat(first.get("new").asInt()).isEqualTo(2);
        assertThat(first.get("updated").asInt()).isZero();
        assertThat(first.get("error").isNull()).isTrue();

        JsonNode again = TestServer.json(post("/api/sources/" + id + "/refresh", null, "", TOKEN));
        assertThat(again.get("new").asInt()).isZero();
        assertThat(again.get("updated").asInt()).isZero();

        serve("/f/main.xml", rss(item("1", "First story, corrected"), item("2", "Second story"), item("3", "Third story")));
        JsonNode changed = TestServer.json(post("/api/sources/" + id + "/refresh", null, "", TOKEN));
        assertThat(changed.get("new").asInt()).isEqualTo(1);
        assertThat(changed.get("updated").asInt()).isEqualTo(1);

        JsonNode articles = TestServer.json(server.get("/api/articles?source=" + id));
        assertThat(articles.get("items")).extracting(n -> n.get("title").asText())
                .containsExactlyInAnyOrder("First story, corrected", "Second story", "Third story");
        JsonNode source = TestServer.json(server.get("/api/sources/" + id));
        assertThat(source.get("title").asText()).isEqualTo("Local Feed");
        assertThat(source.get("article_count").asInt()).isEqualTo(3);
        assertThat(source.get("last_fetched_at").isNull()).isFalse();

        ApiContractIT.assertProblem(addSource(feeds.uri("/f/main.xml").toString()), 409);
    }

    @Test
    void hostileAndNonFeedDocumentsAreRecordedAsErrorsAndStoreNothing() {
        for (String path : new String[] {"/xxe.xml", "/page.html"}) {
            long id = TestServer.json(addSource(feeds.uri(path).toString())).get("id").asLong();

            JsonNode result = TestServer.json(post("/api/sources/" + id + "/refresh", null, "", TOKEN));

            assertThat(result.get("status").asText()).isEqualTo("error");
            assertThat(result.get("new").asInt()).isZero();
            assertThat(result.get("error").asText()).isNotBlank().doesNotContain("root:");
            JsonNode source = TestServer.json(server.get("/api/sources/" + id));
            assertThat(source.get("article_count").asInt()).isZero();
            assertThat(source.get("last_error").asText()).isEqualTo(result.get("error").asText());
        }
    }

    @Test
    void deletingASourceRemovesItsArticles() {
        serve("/f/doomed.xml", rss(item("d1", "Doomed story")));
        long id = TestServer.json(addSource(feeds.uri("/f/doomed.xml").toString())).get("id").asLong();
        post("/api/sources/" + id + "/refresh", null, "", TOKEN);
        long articleId = TestServer.json(server.get("/api/articles?source=" + id)).get("items").get(0).get("id").asLong();

        HttpResponse<String> deleted = server.send(HttpRequest.newBuilder(server.uri("/api/sources/" + id))
                .header("Authorization", "Bearer " + TOKEN).DELETE().build());

        assertThat(deleted.statusCode()).isEqualTo(204);
        ApiContractIT.assertProblem(server.get("/api/sources/" + id), 404);
        ApiContractIT.assertProblem(server.get("/api/articles/" + articleId), 404);
        ApiContractIT.assertProblem(server.send(HttpRequest.newBuilder(server.uri("/api/sources/" + id))
                .header("Authorization", "Bearer " + TOKEN).DELETE().build()), 404);
    }

    @Test
    void opmlImportCountsAddedSkippedAndInvalidAndExportListsSources() {
        addSource("https://already.example.org/rss");
        String opml = """
                <?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
                <outline text="News"><outline text="One" type="rss" xmlUrl="https://one.example.org/feed"/>
                <outline text="Dup" type="rss" xmlUrl="https://already.example.org/rss"/></outline>
                <outline text="Bad" type="rss" xmlUrl="javascript:alert(1)"/>
                </body></opml>""";

        HttpResponse<String> imported = post("/api/opml", "text/x-opml", opml, TOKEN);

        JsonNode counts = TestServer.json(imported);
        assertThat(imported.statusCode()).isEqualTo(200);
        assertThat(counts.get("added").asInt()).isEqualTo(1);
        assertThat(counts.get("skipped").asInt()).isEqualTo(1);
        assertThat(counts.get("invalid").asInt()).isEqualTo(1);
        HttpResponse<String> exported = server.send(HttpRequest.newBuilder(server.uri("/api/opml"))
                .header("Authorization", "Bearer " + TOKEN).GET().build());
        assertThat(exported.statusCode()).isEqualTo(200);
        assertThat(exported.body()).contains("https://one.example.org/feed", "https://already.example.org/rss")
                .doesNotContain("javascript:");
        ApiContractIT.assertProblem(post("/api/opml", "text/x-opml", "<opml><body>", TOKEN), 400);
    }

    @Test
    void badRequestsAreRefusedNamingWhatIsWrong() {
        assertThat(ApiContractIT.assertProblem(post("/api/sources", "application/json", "{\"feed_url\":", TOKEN), 400)
                .get("detail").asText()).startsWith("body:");
        assertThat(ApiContractIT.assertProblem(post("/api/sources", "application/json", "{}", TOKEN), 400)
                .get("detail").asText()).startsWith("feed_url:");
        assertThat(ApiContractIT.assertProblem(addSource("ftp://example.org/feed"), 400)
                .get("detail").asText()).startsWith("feed_url:");
        assertThat(ApiContractIT.assertProblem(post("/api/sources", "application/json",
                "{\"feed_url\":\"https://ok.example.org/f\",\"title\":\"" + "t".repeat(201) + "\"}", TOKEN), 400)
                .get("detail").asText()).startsWith("title:");
        ApiContractIT.assertProblem(post("/api/sources", "text/plain", "{\"feed_url\":\"https://x.example.org/\"}", TOKEN), 415);
        ApiContractIT.assertProblem(post("/api/sources/abc/refresh", null, "", TOKEN), 400);
        ApiContractIT.assertProblem(post("/api/sources/999999/refresh", null, "", TOKEN), 404);
    }

    @Test
    void withoutTheRightTokenNothingHappens() {
        HttpResponse<String> none = post("/api/sources", "application/json", "{\"feed_url\":\"https://n.example.org/\"}", null);
        HttpResponse<String> wrong = post("/api/sources", "application/json", "{\"feed_url\":\"https://n.example.org/\"}", "wrong-token-wrong-token");

        assertThat(ApiContractIT.assertProblem(none, 401).get("detail").asText()).doesNotContain(TOKEN);
        ApiContractIT.assertProblem(wrong, 401);
        assertThat(TestServer.json(server.get("/api/sources")).get("items"))
                .noneSatisfy(s -> assertThat(s.get("feed_url").asText()).contains("n.example.org"));
    }

    @Test
    void adminEndpointsAreDisabledWithoutAnAdminTokenAndSayHowToEnableThem() {
        try (TestServer plain = TestServer.start(PG, Map.of("FEEDS_POLL_ENABLED", "false"))) {
            HttpResponse<String> response = plain.send(HttpRequest.newBuilder(plain.uri("/api/sources"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"feed_url\":\"https://x.example.org/\"}")).build());

            assertThat(ApiContractIT.assertProblem(response, 403).get("detail").asText()).contains("ADMIN_TOKEN");
        }
    }

    @Test
    void privateNetworksAreRefusedUnlessAllowed() {
        try (TestServer strict = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "FEEDS_POLL_ENABLED", "false"))) {
            HttpResponse<String> response = strict.send(HttpRequest.newBuilder(strict.uri("/api/sources"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"feed_url\":\"" + feeds.uri("/f/main.xml") + "\"}")).build());

            assertThat(ApiContractIT.assertProblem(response, 400).get("detail").asText()).startsWith("feed_url:");
        }
    }
}
