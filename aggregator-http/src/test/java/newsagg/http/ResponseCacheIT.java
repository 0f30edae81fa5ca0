package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import newsagg.cache.CacheKey;
import newsagg.cache.CacheSettings;
import newsagg.cache.Cached;
import newsagg.cache.Caches;
import newsagg.cache.testing.TestRedisServer;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.testing.Poll;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The response cache on the real server with the real Redis: hits, canonical keys, invalidation, fail-open. */
class ResponseCacheIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String NAMESPACE = "test-rc-" + Long.toHexString(System.nanoTime());
    static final String TOKEN = "admin-token-for-cache-tests-0123";
    static TestServer server;
    static newsagg.core.ingest.fetch.TestServer feeds;
    static volatile String feed;

    @BeforeAll
    static void start() {
        NewsCore core = NewsCore.open(PG.dataSource());
        long source = core.sources().create("https://cache.example.org/feed", "Cache Source", null).id();
        Instant now = Instant.now();
        core.articles().upsert(source, List.of(
                new NewArticle("k1", "g1", "https://cache.example.org/1", "Election night in the capital", "Votes counted.",
                        "<p>x</p>", null, now.minusSeconds(60), now, List.of()),
                new NewArticle("k2", "g2", "https://cache.example.org/2", "Markets rally", "Stocks climbed.",
                        "<p>y</p>", null, now.minusSeconds(120), now, List.of())));
        feeds = new newsagg.core.ingest.fetch.TestServer().on("/feed.xml", exchange ->
                newsagg.core.ingest.fetch.TestServer.respond(exchange, 200, Map.of("Content-Type", "application/rss+xml"),
                        feed.getBytes(StandardCharsets.UTF_8)));
        server = TestServer.start(PG, Map.of("CACHE_ENABLED", "true", "REDIS_URL", TestRedisServer.url().toString(),
                "CACHE_NAMESPACE", NAMESPACE, "ADMIN_TOKEN", TOKEN, "FEEDS_ALLOW_PRIVATE_NETWORKS", "true",
                "FEEDS_POLL_ENABLED", "false"));
    }

    @AfterAll
    static void stop() {
        server.close();
        feeds.close();
        TestServer.deleteRedisKeys(NAMESPACE);
    }

    static String xCache(HttpResponse<String> response) {
        return response.headers().firstValue("X-Cache").orElse("(none)");
    }

    @Test
    void aRepeatedSearchIsAHitWithTheSameBytesAndCacheTiming() {
        HttpResponse<String> first = server.get("/api/search?q=capital&limit=7");
        HttpResponse<String> second = server.get("/api/search?q=capital&limit=7");

        assertThat(xCache(first)).isEqualTo("MISS");
        assertThat(xCache(second)).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(second.headers().firstValue("Server-Timing")).hasValueSatisfying(v -> assertThat(v).contains("cache;dur="));
    }

    @Test
    void queriesThatDifferOnlyInCaseAndSpacingShareAnEntry() {
        assertThat(xCache(server.get("/api/search?q=Markets%20%20Rally&limit=3"))).isEqualTo("MISS");
        assertThat(xCache(server.get("/api/search?q=%20markets%20rally%20&limit=3"))).isEqualTo("HIT");
        assertThat(xCache(server.get("/api/search?q=markets%20rally&limit=4"))).isEqualTo("MISS");
    }

    @Test
    void trendingAndSourcesAreCachedButArticleListsAreNot() {
        server.get("/api/trending?hours=5&limit=3");
        assertThat(xCache(server.get("/api/trending?hours=5&limit=3"))).isEqualTo("HIT");
        server.get("/api/sources");
        assertThat(xCache(server.get("/api/sources"))).isEqualTo("HIT");
        assertThat(server.get("/api/articles").headers().firstValue("X-Cache")).isEmpty();
    }

    @Test
    void newlyIngestedArticlesShowThroughEveryCachedEndpointWithinASecond() {
        feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Fresh</title>"
                + "<item><guid>fresh-1</guid><title>Volcano erupts near the glacier</title><link>https://fresh.example.org/1</link>"
                + "<description>Lava.</description></item>"
                + "<item><guid>fresh-2</guid><title>Volcano ash closes airports</title><link>https://fresh.example.org/2</link>"
                + "<description>Flights cancelled.</description></item></channel></rss>";
        HttpResponse<String> created = server.send(HttpRequest.newBuilder(server.uri("/api/sources"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"feed_url\":\"" + feeds.uri("/feed.xml") + "\"}")).build());
        long sourceId = TestServer.json(created).get("id").asLong();
        // Warm the caches with the answers from before the article exists.
        assertThat(TestServer.json(server.get("/api/search?q=volcano")).get("items")).isEmpty();
        server.get("/api/search?q=volcano");
        server.get("/api/trending?hours=1&limit=100");
        server.get("/api/sources");

        HttpResponse<String> refreshed = server.send(HttpRequest.newBuilder(server.uri("/api/sources/" + sourceId + "/refresh"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(TestServer.json(refreshed).get("new").asInt()).isEqualTo(2);
        Instant stored = Instant.now();

        assertThat(Poll.until(() -> TestServer.json(server.get("/api/search?q=volcano")).get("items"),
                items -> items.size() == 2, Duration.ofSeconds(1))).as("search shows it within 1 s").isTrue();
        assertThat(Poll.until(() -> TestServer.json(server.get("/api/trending?hours=1&limit=100")).get("terms"),
                terms -> terms.toString().contains("volcano"), Duration.ofSeconds(1))).as("trending shows it within 1 s").isTrue();
        assertThat(Poll.until(() -> TestServer.json(server.get("/api/sources")).get("items"),
                items -> count(items, sourceId) == 2, Duration.ofSeconds(1))).as("sources count it within 1 s").isTrue();
        assertThat(Duration.between(stored, Instant.now())).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anAnswerJustBehindIsServedStaleWhileItIsRefreshedInTheBackground() {
        HttpResponse<String> miss = server.get("/api/search?q=tsunami");
        assertThat(xCache(miss)).isEqualTo("MISS");
        assertThat(TestServer.json(miss).get("items")).isEmpty();
        assertThat(xCache(server.get("/api/search?q=tsunami"))).isEqualTo("HIT");

        // Stored by another process: this server learns of it only by reading the mark again, within MARK_MAX_AGE.
        NewsCore core = NewsCore.open(PG.dataSource());
        long source = core.sources().findByFeedUrl("https://cache.example.org/feed").orElseThrow().id();
        Instant now = Instant.now();
        core.articles().upsert(source, List.of(new NewArticle("k-tsunami", "g-tsunami", "https://cache.example.org/t",
                "Tsunami warning lifted", "All clear.", "<p>t</p>", null, now, now, List.of())));

        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        Supplier<HttpResponse<String>> search = () -> {
            last.set(server.get("/api/search?q=tsunami"));
            return last.get();
        };
        assertThat(Poll.until(search, r -> !xCache(r).equals("HIT"), Duration.ofSeconds(1))).isTrue();
        assertThat(xCache(last.get())).as("the first answer after the mark moved: served as it was, not waited for")
                .isEqualTo("STALE");
        assertThat(TestServer.json(last.get()).get("items")).isEmpty();
        assertThat(Poll.until(search, r -> TestServer.json(r).get("items").size() == 1, Duration.ofSeconds(1)))
                .as("brought up to date in the background within 1 s").isTrue();
        assertThat(xCache(last.get())).isIn("HIT", "REFRESHED");
        assertThat(Poll.until(() -> server.get("/metrics").body(), metrics -> metrics.matches(
                "(?s).*\\nnewsagg_cache_revalidations_total\\{cache=\"search\",outcome=\"done\"} [1-9].*"),
                Duration.ofSeconds(1))).as("the background refresh is counted in /metrics").isTrue();
    }

    @Test
    void anAnswerHoldingAnArticleThatWasRewrittenIsNotKeptAsItWas() {
        NewsCore core = NewsCore.open(PG.dataSource());
        long source = core.sources().findByFeedUrl("https://cache.example.org/feed").orElseThrow().id();
        Instant now = Instant.now();
        core.articles().upsert(source, List.of(new NewArticle("k-geyser", "g-geyser", "https://cache.example.org/g",
                "Geyser erupts early", "Crowds watch.", "<p>g</p>", null, now, now, List.of())));
        assertThat(Poll.until(() -> TestServer.json(server.get("/api/search?q=geyser")).get("items"),
                items -> items.size() == 1, Duration.ofSeconds(1))).isTrue();
        assertThat(xCache(server.get("/api/search?q=geyser"))).isEqualTo("HIT");

        // Rewritten without the word: none of the changed article's lexemes is the query's, but the answer holds it,
        // so moving the answer up as it is would keep a hit that no longer matches.
        core.articles().upsert(source, List.of(new NewArticle("k-geyser", "g-geyser", "https://cache.example.org/g",
                "Calm day at the park", "Nothing erupted.", "<p>c</p>", null, now, Instant.now(), List.of())));

        assertThat(Poll.until(() -> TestServer.json(server.get("/api/search?q=geyser")).get("items"),
                JsonNode::isEmpty, Duration.ofSeconds(1))).as("the rewritten article leaves the answer within 1 s")
                .isTrue();
    }

    @Test
    void aNewArticleChangesTheAnswersItCanMatchAndKeepsTheOthers() {
        HttpResponse<String> both = server.get("/api/search?q=" + enc("glacier lagoon"));
        HttpResponse<String> either = server.get("/api/search?q=" + enc("glacier or lagoon"));
        assertThat(TestServer.json(both).get("items")).isEmpty();
        assertThat(TestServer.json(either).get("items")).isEmpty();

        NewsCore core = NewsCore.open(PG.dataSource());
        long source = core.sources().findByFeedUrl("https://cache.example.org/feed").orElseThrow().id();
        Instant now = Instant.now();
        core.articles().upsert(source, List.of(new NewArticle("k-lagoon", "g-lagoon", "https://cache.example.org/l",
                "Lagoon reopens", "Boats are back.", "<p>l</p>", null, now, now, List.of())));

        assertThat(Poll.until(() -> TestServer.json(server.get("/api/search?q=" + enc("glacier or lagoon"))).get("items"),
                items -> items.size() == 1, Duration.ofSeconds(1))).as("either word: it matches, within 1 s").isTrue();
        // Both words: an article without "glacier" cannot match, so the answer is moved up as it is, not merged.
        HttpResponse<String> kept = server.get("/api/search?q=" + enc("glacier lagoon"));
        assertThat(TestServer.json(kept).get("items")).isEmpty();
        assertThat(xCache(kept)).isEqualTo("HIT");
    }

    @Test
    void anAnswerMovedUpPastManyChangesIsWrittenBackToRedis() {
        String q = "zebra crossing";
        assertThat(TestServer.json(server.get("/api/search?q=" + enc(q))).get("items")).isEmpty();
        NewsCore core = NewsCore.open(PG.dataSource());
        long source = core.sources().findByFeedUrl("https://cache.example.org/feed").orElseThrow().id();
        long epoch = core.queries().changeMark().epoch();
        try (Caches redis = Caches.create(CacheSettings.defaults(TestRedisServer.url()).withNamespace(NAMESPACE))) {
            Cached<StoredAnswer> search = redis.newCache("search", StoredAnswer.CODEC).scope(ResponseCaches.SCOPE).build();
            CacheKey key = ResponseCaches.searchKey(search, q, ReadHandlers.DEFAULT_LIMIT, null, epoch);
            Supplier<Long> storedSeq = () -> search.get(key, () -> {
                throw new AssertionError("the answer is not in Redis");
            }).value().seq();
            long before = storedSeq.get();

            Instant now = Instant.now();
            List<NewArticle> unrelated = new ArrayList<>();
            for (int i = 0; i <= ResponseCaches.MOVE_UP_WRITE_BACK; i++) {
                unrelated.add(new NewArticle("k-many-" + i, "g-many-" + i, "https://cache.example.org/many/" + i,
                        "Harbour news " + i, "Ferries run.", "<p>m</p>", null, now, now, List.of()));
            }
            core.articles().upsert(source, unrelated);
            long mark = core.queries().changeMark().seq();

            // No stored article can match, so each read moves the answer up as it is; past that many changes the
            // copy in Redis is moved up too, and another process reading it need not go through them again.
            assertThat(Poll.until(() -> {
                HttpResponse<String> moved = server.get("/api/search?q=" + enc(q));
                assertThat(xCache(moved)).isEqualTo("HIT");
                return storedSeq.get();
            }, seq -> seq >= mark, Duration.ofSeconds(5))).as("the copy in Redis reached the mark").isTrue();
            assertThat(before).isLessThan(mark);
        }
    }

    private static String enc(String q) {
        return URLEncoder.encode(q, StandardCharsets.UTF_8);
    }

    static long count(JsonNode items, long sourceId) {
        for (JsonNode item : items) {
            if (item.get("id").asLong() == sourceId) {
                return item.get("article_count").asLong();
            }
        }
        return -1;
    }

    @Test
    void metricsExposeTheCacheCounters() {
        server.get("/api/sources");
        server.get("/api/sources");

        String metrics = server.get("/metrics").body();

        assertThat(metrics).contains("newsagg_cache_hits_total{cache=\"sources\"}", "newsagg_cache_misses_total{cache=\"search\"}",
                "newsagg_cache_hit_ratio{cache=\"sources\"}", "newsagg_cache_redis_errors_total{cache=\"trending\"}");
        assertThat(metrics).as("the Redis connections used went back to the pool")
                .containsPattern("(?m)^newsagg_redis_pool_idle [1-9]")
                .containsPattern("(?m)^newsagg_redis_pool_active 0")
                .containsPattern("(?m)^newsagg_redis_pool_waiting 0");
    }

    @Test
    void withTheCacheDisabledAnswersSayBypassAndReadinessSaysDisabled() {
        try (TestServer plain = TestServer.start(PG, Map.of("CACHE_ENABLED", "false", "FEEDS_POLL_ENABLED", "false"))) {
            assertThat(xCache(plain.get("/api/search?q=capital"))).isEqualTo("BYPASS");
            assertThat(xCache(plain.get("/api/search?q=capital"))).isEqualTo("BYPASS");
            assertThat(TestServer.json(plain.get("/health/ready")).get("checks").get("redis").asText()).isEqualTo("disabled");
        }
    }

    @Test
    void withRedisUnreachableTheApiStillAnswersAndStaysReady() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TestServer noRedis = TestServer.start(PG, Map.of("CACHE_ENABLED", "true",
                "REDIS_URL", "redis://127.0.0.1:" + closedPort, "FEEDS_POLL_ENABLED", "false"))) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = noRedis.get("/api/search?q=capital");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(xCache(response)).isEqualTo("BYPASS");
                assertThat(TestServer.json(response).get("items")).hasSize(1);
            }
            HttpResponse<String> ready = noRedis.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(TestServer.json(ready).get("checks").get("redis").asText()).isEqualTo("down");
        }
    }
}
