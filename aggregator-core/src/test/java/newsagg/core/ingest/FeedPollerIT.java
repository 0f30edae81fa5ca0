package newsagg.core.ingest;

import static newsagg.core.ingest.TestFeeds.items;
import static newsagg.core.ingest.TestFeeds.rss;
import static newsagg.core.ingest.TestFeeds.serve;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import newsagg.core.CoreOptions;
import newsagg.core.NewsCore;
import newsagg.core.domain.Source;
import newsagg.core.ingest.FeedPoller.PollSummary;
import newsagg.core.ingest.fetch.FeedFetcher;
import newsagg.core.ingest.fetch.FetchSettings;
import newsagg.core.ingest.fetch.TestServer;
import newsagg.core.testing.Poll;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pollers against a loopback feed server and the real database. Two pollers here are two separate {@link NewsCore}s
 * on two connection pools, as two server processes would be.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FeedPollerIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final Duration INTERVAL = Duration.ofHours(1);
    static final int FEEDS = 20;
    static final int ITEMS = 5;

    private static HikariDataSource secondPool;
    private static NewsCore first;
    private static NewsCore second;

    private final TestServer server = new TestServer();

    @BeforeAll
    static void openCores() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(PG.jdbcUrl());
        config.setUsername(PG.user());
        config.setPassword(PG.password());
        config.setMaximumPoolSize(4);
        config.setPoolName("second-poller");
        config.setSchema(CoreOptions.DEFAULT_SCHEMA);
        secondPool = new HikariDataSource(config);
        first = NewsCore.open(PG.dataSource());
        second = NewsCore.open(secondPool);
    }

    @AfterAll
    static void closePool() {
        secondPool.close();
    }

    @BeforeEach
    void emptyTables() {
        first.jdbi().useHandle(h -> h.execute("TRUNCATE sources, articles RESTART IDENTITY CASCADE"));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static FeedPoller poller(NewsCore core, int workers) {
        FeedIngester ingester = new FeedIngester(core.sources(), core.articles(),
                new FeedFetcher(FetchSettings.defaults().withAllowPrivateNetworks(true)), ChangeListener.NONE,
                Clock.systemUTC(), INTERVAL);
        return new FeedPoller(core.sources(), ingester, Clock.systemUTC(), FeedPoller.Settings.defaults(INTERVAL)
                .withWorkers(workers).withTick(Duration.ofMillis(100)));
    }

    /** Twenty feeds whose item GUIDs are unique across all of them. */
    private List<Source> twentyFeeds() {
        return IntStream.range(0, FEEDS).mapToObj(i -> {
            String path = "/feed/" + i;
            server.on(path, serve(() -> rss("Feed " + i, items("feed" + i, ITEMS))));
            return first.sources().create(server.uri(path).toString(), null, null);
        }).toList();
    }

    private long count(String sql) {
        return first.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private long fetchedSources() {
        return count("SELECT count(*) FROM sources WHERE last_fetched_at IS NOT NULL");
    }

    private void assertEveryArticleStoredOnceAndEveryFeedFetchedOnce() {
        assertThat(count("SELECT count(*) FROM articles")).isEqualTo(FEEDS * ITEMS);
        assertThat(count("SELECT count(DISTINCT (source_id, dedupe_key)) FROM articles")).isEqualTo(FEEDS * ITEMS);
        assertThat(count("SELECT count(DISTINCT guid) FROM articles")).isEqualTo(FEEDS * ITEMS);
        assertThat(count("SELECT count(*) FROM sources WHERE error_count > 0")).isZero();
        Map<String, Long> requestsPerPath = server.requests().stream()
                .collect(Collectors.groupingBy(TestServer.Request::path, Collectors.counting()));
        assertThat(requestsPerPath).hasSize(FEEDS).allSatisfy((path, n) -> assertThat(n).as(path).isEqualTo(1));
    }

    @Test
    void two_running_pollers_on_one_database_store_every_article_once_and_fetch_every_feed_once() {
        twentyFeeds();
        try (FeedPoller a = poller(first, 4); FeedPoller b = poller(second, 4)) {
            a.start();
            b.start();

            assertThat(Poll.until(this::fetchedSources, n -> n == FEEDS, Duration.ofSeconds(60))).isTrue();
        }

        assertEveryArticleStoredOnceAndEveryFeedFetchedOnce();
    }

    @Test
    void two_concurrent_poll_once_calls_share_the_due_sources_without_overlap() {
        twentyFeeds();
        try (FeedPoller a = poller(first, 4); FeedPoller b = poller(second, 4)) {
            CompletableFuture<PollSummary> ra = CompletableFuture.supplyAsync(a::pollOnce);
            CompletableFuture<PollSummary> rb = CompletableFuture.supplyAsync(b::pollOnce);
            PollSummary sa = ra.join();
            PollSummary sb = rb.join();

            assertThat(sa.refreshed() + sb.refreshed()).isEqualTo(FEEDS);
            assertThat(sa.ok() + sb.ok()).isEqualTo(FEEDS);
            assertThat(sa.inserted() + sb.inserted()).isEqualTo(FEEDS * ITEMS);
            assertThat(a.pollOnce().refreshed()).as("nothing is due any more").isZero();
        }

        assertEveryArticleStoredOnceAndEveryFeedFetchedOnce();
    }

    @Test
    void a_slow_feed_does_not_delay_the_others() {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch releaseSlow = new CountDownLatch(1);
        byte[] slowBody = rss("Slow", items("slow", 3));
        server.on("/slow", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/rss+xml");
            ex.sendResponseHeaders(200, slowBody.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(slowBody, 0, 100);
                out.flush();
                slowStarted.countDown();
                // The rest trickles out only once the test has seen every fast feed stored.
                if (!releaseSlow.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("test never released the slow feed");
                }
                out.write(slowBody, 100, slowBody.length - 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // Created first, so it is the longest overdue and claimed before the fast ones.
        Source slow = first.sources().create(server.uri("/slow").toString(), null, null);
        List<Source> fast = IntStream.range(0, 8).mapToObj(i -> {
            server.on("/fast/" + i, serve(() -> rss("Fast " + i, items("fast" + i, 2))));
            return first.sources().create(server.uri("/fast/" + i).toString(), null, null);
        }).toList();
        Function<Long, Long> articlesOf = id -> first.jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM articles WHERE source_id = :id").bind("id", id).mapTo(Long.class).one());

        try (FeedPoller poller = poller(first, 2)) {
            poller.start();

            assertThat(Poll.until(() -> count("SELECT count(*) FROM articles"), n -> n == fast.size() * 2L,
                    Duration.ofSeconds(20))).as("all fast feeds stored while the slow one is in flight").isTrue();
            assertThat(slowStarted.getCount()).as("the slow fetch had started").isZero();
            assertThat(articlesOf.apply(slow.id())).isZero();
            assertThat(first.sources().find(slow.id()).orElseThrow().fetch().lastFetchedAt()).isNull();

            releaseSlow.countDown();

            assertThat(Poll.until(() -> articlesOf.apply(slow.id()), n -> n == 3, Duration.ofSeconds(20))).isTrue();
        } finally {
            releaseSlow.countDown();
        }
    }

    @Test
    void close_interrupts_a_hung_fetch_without_charging_the_source_an_error() {
        CountDownLatch hung = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        server.on("/hung", ex -> {
            ex.sendResponseHeaders(200, 1000);
            hung.countDown();
            try {
                never.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        Source s = first.sources().create(server.uri("/hung").toString(), null, null);
        FeedIngester ingester = new FeedIngester(first.sources(), first.articles(),
                new FeedFetcher(FetchSettings.defaults().withAllowPrivateNetworks(true)), ChangeListener.NONE,
                Clock.systemUTC(), INTERVAL);
        FeedPoller poller = new FeedPoller(first.sources(), ingester, Clock.systemUTC(),
                new FeedPoller.Settings(Duration.ofMillis(100), 1, Duration.ofMinutes(10), Duration.ofMillis(200)));
        try {
            poller.start();
            assertThat(Poll.until(hung::getCount, n -> n == 0, Duration.ofSeconds(20))).isTrue();

            poller.close();

            Source after = first.sources().find(s.id()).orElseThrow();
            assertThat(after.fetch().errorCount()).isZero();
            assertThat(after.fetch().lastFetchedAt()).isNull();
            assertThat(after.fetch().nextFetchAt()).as("still leased").isAfter(s.fetch().nextFetchAt());
        } finally {
            never.countDown();
            poller.close();
        }
    }
}
