package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import newsagg.core.domain.NewArticle;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile feeds against the real server, in a JVM with a 256 MiB heap (the failsafe execution {@code hostile-feeds}
 * in this module's POM gives it {@code -Xmx256m}): each feed is added and refreshed through the admin API, then the
 * server must still answer and the source must show what happened. Before the per-feed budget, the 15 MiB single item
 * peaked at about 1.26 GB of heap, 300k items at 966 MB, and 1M-deep nesting ran for minutes before a
 * StackOverflowError nothing caught.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileFeedIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String TOKEN = "admin-token-for-hostile-feed-tests-0123";
    /** Under the fetcher's 15 MiB body cap, so that the parser, not the fetcher, meets the whole body. */
    static final int NEAR_BODY_CAP = 15 * 1024 * 1024 - 4096;

    static TestServer server;
    static newsagg.core.ingest.fetch.TestServer feeds;

    @BeforeAll
    static void start() {
        feeds = new newsagg.core.ingest.fetch.TestServer();
        server = TestServer.start(PG, Map.of("ADMIN_TOKEN", TOKEN, "FEEDS_ALLOW_PRIVATE_NETWORKS", "true",
                "FEEDS_POLL_ENABLED", "false"));
    }

    @AfterAll
    static void stop() {
        server.close();
        feeds.close();
    }

    @Test
    void theHeapIsTheOneTheBudgetIsTestedAgainst() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        assertThat(max).as("run by the hostile-feeds failsafe execution with -Xmx256m").isLessThanOrEqualTo(256L << 20);
    }

    @Test
    void aSingleFifteenMebibyteItemOfMarkupIsStoredCutToTheContentLimit() {
        long id = addAndServe("/single-item.xml", () -> {
            String head = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>"
                    + "<link>https://big.example/</link><item><guid>only</guid><title>Only</title><description><![CDATA[";
            String tail = "]]></description></item></channel></rss>";
            return repeatTo(head, "<b>x</b>", tail, NEAR_BODY_CAP);
        });

        JsonNode result = refresh(id);

        assertThat(result.get("status").asText()).isEqualTo("ok");
        assertThat(result.get("new").asInt()).isEqualTo(1);
        assertServerAnswers();
        JsonNode article = TestServer.json(server.get("/api/articles/" + onlyArticleId(id)));
        String content = article.get("content_html").asText();
        assertThat(content.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(NewArticle.CONTENT_HTML_MAX_BYTES)
                .isGreaterThan(NewArticle.CONTENT_HTML_MAX_BYTES / 2);
        assertThat(content).startsWith("<b>x</b>").endsWith("</b>");
    }

    @Test
    void threeHundredThousandTinyItemsStoreTheFirstThousandAndCountTheRest() {
        int items = 300_000;
        long id = addAndServe("/many-items.xml", () -> {
            StringBuilder s = new StringBuilder(items * 40).append("<?xml version=\"1.0\"?><rss version=\"2.0\">")
                    .append("<channel><title>Many</title><link>https://many.example/</link>");
            for (int i = 0; i < items; i++) {
                s.append("<item><guid>").append(i).append("</guid><title>t</title></item>");
            }
            return s.append("</channel></rss>").toString().getBytes(StandardCharsets.UTF_8);
        });

        JsonNode result = refresh(id);

        assertThat(result.get("status").asText()).isEqualTo("ok");
        assertThat(result.get("new").asInt()).isEqualTo(1000);
        assertThat(result.get("dropped").get("item_limit").asInt()).isEqualTo(items - 1000);
        assertServerAnswers();
        JsonNode source = TestServer.json(server.get("/api/sources/" + id));
        assertThat(source.get("article_count").asInt()).isEqualTo(1000);
        assertThat(source.get("last_fetch_dropped_items").asInt()).isEqualTo(items - 1000);
        assertThat(source.get("last_fetch_dropped_reasons").get("item_limit").asInt()).isEqualTo(items - 1000);
        assertThat(server.get("/metrics").body()).contains("newsagg_feed_items_dropped_total{reason=\"item_limit\"}");
    }

    @Test
    void aMillionLevelsOfNestingAreRefusedAsTheSourcesErrorAndBackOff() {
        int depth = 1_000_000;
        long id = addAndServe("/deep.xml", () -> {
            StringBuilder s = new StringBuilder(depth * 8).append("<?xml version=\"1.0\"?><rss version=\"2.0\">")
                    .append("<channel><title>Deep</title><item><title>deep</title><description>");
            s.append("<a>".repeat(depth)).append("x").append("</a>".repeat(depth));
            return s.append("</description></item></channel></rss>").toString().getBytes(StandardCharsets.UTF_8);
        });

        JsonNode result = refresh(id);

        assertThat(result.get("status").asText()).isEqualTo("error");
        assertThat(result.get("error").asText()).isEqualTo("refused: the XML nests deeper than 128 levels");
        assertServerAnswers();
        JsonNode source = TestServer.json(server.get("/api/sources/" + id));
        assertThat(source.get("last_error").asText()).isEqualTo(result.get("error").asText());
        assertThat(source.get("article_count").asInt()).isZero();
    }

    @Test
    void aTenMegabyteContentHtmlIsStoredCutToTheContentLimitInRssAndJsonFeed() {
        String paragraph = "<p>Lorem ipsum dolor sit amet, \u00e9l\u00e8ve \u2014 \ud83d\ude00 consectetur.</p>";
        long rss = addAndServe("/big-content.xml", () -> repeatTo(
                "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
                        + "<channel><title>Long</title><link>https://long.example/</link><item><guid>long</guid>"
                        + "<title>Long read</title><content:encoded><![CDATA[",
                paragraph, "]]></content:encoded></item></channel></rss>", 10_000_000));
        long json = addAndServe("/big-content.json", () -> repeatTo(
                "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Long\",\"items\":[{\"id\":\"long\","
                        + "\"title\":\"Long read\",\"content_html\":\"",
                paragraph, "\"}]}", 10_000_000));

        for (long id : new long[] {rss, json}) {
            JsonNode result = refresh(id);

            assertThat(result.get("status").asText()).isEqualTo("ok");
            assertThat(result.get("new").asInt()).isEqualTo(1);
            String content = TestServer.json(server.get("/api/articles/" + onlyArticleId(id))).get("content_html").asText();
            assertThat(content.getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(NewArticle.CONTENT_HTML_MAX_BYTES).isGreaterThan(NewArticle.CONTENT_HTML_MAX_BYTES / 2);
            // Cut between paragraphs: every paragraph that was kept is whole.
            assertThat(content).startsWith("<p>Lorem").endsWith("</p>");
            assertThat(content.split("<p>", -1)).allSatisfy(p -> assertThat(p).matches("|(?s)Lorem.*</p>"));
        }
        assertServerAnswers();
    }

    private static long addAndServe(String path, Supplier<byte[]> body) {
        feeds.on(path, exchange -> newsagg.core.ingest.fetch.TestServer.respond(exchange, 200,
                Map.of("Content-Type", path.endsWith(".json") ? "application/feed+json" : "application/rss+xml"),
                body.get()));
        HttpResponse<String> created = AdminApiIT.post(server, "/api/sources", "application/json",
                "{\"feed_url\":\"" + feeds.uri(path) + "\"}", TOKEN);
        assertThat(created.statusCode()).isEqualTo(201);
        return TestServer.json(created).get("id").asLong();
    }

    private static JsonNode refresh(long id) {
        HttpResponse<String> response = AdminApiIT.post(server, "/api/sources/" + id + "/refresh", null, "", TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        return TestServer.json(response);
    }

    private static long onlyArticleId(long sourceId) {
        JsonNode items = TestServer.json(server.get("/api/articles?source=" + sourceId)).get("items");
        assertThat(items).hasSize(1);
        return items.get(0).get("id").asLong();
    }

    private static void assertServerAnswers() {
        assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/sources")).GET().build()).statusCode())
                .isEqualTo(200);
    }

    /** {@code head}, then {@code unit} as often as fits in {@code size} bytes with {@code tail}, then {@code tail}. */
    private static byte[] repeatTo(String head, String unit, String tail, int size) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] u = unit.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        int n = (size - h.length - t.length) / u.length;
        byte[] out = new byte[h.length + n * u.length + t.length];
        System.arraycopy(h, 0, out, 0, h.length);
        for (int i = 0; i < n; i++) {
            System.arraycopy(u, 0, out, h.length + i * u.length, u.length);
        }
        System.arraycopy(t, 0, out, h.length + n * u.length, t.length);
        return out;
    }
}
