package newsagg.core.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static newsagg.core.ingest.TestFeeds.items;
import static newsagg.core.ingest.TestFeeds.rss;
import static newsagg.core.ingest.TestFeeds.serve;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import newsagg.core.NewsCore;
import newsagg.core.domain.DroppedItems;
import newsagg.core.domain.Source;
import newsagg.core.ingest.FeedIngester.RefreshResult;
import newsagg.core.ingest.FeedIngester.RefreshResult.Status;
import newsagg.core.ingest.fetch.Backoff;
import newsagg.core.ingest.fetch.FeedFetcher;
import newsagg.core.ingest.fetch.FetchSettings;
import newsagg.core.ingest.fetch.TestServer;
import newsagg.core.testing.CoreExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One source refreshed at a time against a loopback feed server, with a fixed clock so schedules are exact. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FeedIngesterIT {

    @RegisterExtension
    static final CoreExtension CORE = new CoreExtension();

    static final Duration INTERVAL = Duration.ofMinutes(15);
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    record Change(long sourceId, int inserted, int updated) {
    }

    private final TestServer server = new TestServer();
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final NewsCore core = CORE.core();
    private final FeedIngester ingester = ingester(Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void stopServer() {
        server.close();
    }

    private FeedIngester ingester(Clock clock) {
        return new FeedIngester(core.sources(), core.articles(),
                new FeedFetcher(FetchSettings.defaults().withAllowPrivateNetworks(true)),
                (id, inserted, updated) -> changes.add(new Change(id, inserted, updated)), clock, INTERVAL);
    }

    private Source source(String path) {
        return core.sources().create(server.uri(path).toString(), null, null);
    }

    /** The source as stored now, so a refresh sees its current validators and error count. */
    private Source reload(Source s) {
        return core.sources().find(s.id()).orElseThrow();
    }

    private long articles(long sourceId) {
        return core.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM articles WHERE source_id = :id")
                .bind("id", sourceId).mapTo(Long.class).one());
    }

    @Test
    void refresh_stores_articles_and_names_the_source_and_an_unchanged_refetch_stores_nothing() {
        server.on("/feed", serve(() -> rss("Example &amp; News", items("a", 3))));
        Source s = source("/feed");

        RefreshResult first = ingester.refresh(s);

        assertThat(first).isEqualTo(RefreshResult.ok(3, 0));
        assertThat(articles(s.id())).isEqualTo(3);
        assertThat(changes).containsExactly(new Change(s.id(), 3, 0));
        Source stored = reload(s);
        assertThat(stored.title()).isEqualTo("Example & News");
        assertThat(stored.siteUrl()).isEqualTo("https://news.example.org/");
        assertThat(stored.fetch().lastFetchedAt()).isEqualTo(NOW);
        assertThat(stored.fetch().nextFetchAt()).isEqualTo(NOW.plus(INTERVAL));
        assertThat(stored.fetch().errorCount()).isZero();

        RefreshResult second = ingester.refresh(stored);

        assertThat(second).isEqualTo(RefreshResult.ok(0, 0));
        assertThat(articles(s.id())).isEqualTo(3);
        assertThat(changes).hasSize(1);
    }

    @Test
    void etag_turns_the_refetch_into_not_modified_with_nothing_stored_and_no_change_reported() {
        byte[] body = rss("Tagged", items("t", 2));
        server.on("/tagged", ex -> {
            if ("\"v1\"".equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                TestServer.respond(ex, 304, Map.of("ETag", "\"v1\""), new byte[0]);
            } else {
                TestServer.respond(ex, 200, Map.of("ETag", "\"v1\""), body);
            }
        });
        Source s = source("/tagged");
        assertThat(ingester.refresh(s)).isEqualTo(RefreshResult.ok(2, 0));
        assertThat(reload(s).fetch().etag()).isEqualTo("\"v1\"");

        RefreshResult again = ingester.refresh(reload(s));

        assertThat(again).isEqualTo(RefreshResult.notModified());
        assertThat(again.status().wireName()).isEqualTo("not_modified");
        assertThat(server.requests()).last().satisfies(r ->
                assertThat(r.headers().getFirst("If-None-Match")).isEqualTo("\"v1\""));
        assertThat(articles(s.id())).isEqualTo(2);
        assertThat(changes).containsExactly(new Change(s.id(), 2, 0));
        assertThat(reload(s).fetch().nextFetchAt()).isEqualTo(NOW.plus(INTERVAL));
    }

    @Test
    void a_changed_item_is_updated_in_place_and_a_new_item_is_inserted_and_reported() {
        List<TestFeeds.Item> v1 = items("c", 3);
        AtomicReference<byte[]> body = new AtomicReference<>(rss("Changing", v1));
        server.on("/changing", serve(body::get));
        Source s = source("/changing");
        ingester.refresh(s);

        List<TestFeeds.Item> v2 = new ArrayList<>(v1);
        TestFeeds.Item old = v2.get(1);
        v2.set(1, new TestFeeds.Item(old.guid(), "Corrected headline", old.description(), old.published()));
        body.set(rss("Changing", v2));
        RefreshResult edited = ingester.refresh(reload(s));

        assertThat(edited).isEqualTo(RefreshResult.ok(0, 1));
        assertThat(articles(s.id())).isEqualTo(3);
        List<String> titles = core.jdbi().withHandle(h -> h.createQuery(
                "SELECT title FROM articles WHERE source_id = :id AND guid = 'c-1'").bind("id", s.id())
                .mapTo(String.class).list());
        assertThat(titles).containsExactly("Corrected headline");

        v2.add(new TestFeeds.Item("c-new", "Breaking", "Fresh", TestFeeds.BASE.plusSeconds(3600)));
        body.set(rss("Changing", v2));
        RefreshResult added = ingester.refresh(reload(s));

        assertThat(added).isEqualTo(RefreshResult.ok(1, 0));
        assertThat(articles(s.id())).isEqualTo(4);
        assertThat(changes).containsExactly(new Change(s.id(), 3, 0), new Change(s.id(), 0, 1),
                new Change(s.id(), 1, 0));
    }

    @Test
    void a_body_that_is_not_a_feed_is_an_error_with_nothing_stored_and_a_backed_off_schedule() {
        server.on("/page", ex -> TestServer.respond(ex, 200, Map.of("Content-Type", "text/html"),
                "<!doctype html><html><body>Welcome</body></html>".getBytes(UTF_8)));
        Source s = source("/page");

        RefreshResult result = ingester.refresh(s);

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.error()).isEqualTo("not a feed: looks like an HTML page");
        assertThat(articles(s.id())).isZero();
        Source stored = reload(s);
        assertThat(stored.fetch().errorCount()).isEqualTo(1);
        assertThat(stored.fetch().lastError()).isEqualTo("not a feed: looks like an HTML page");
        assertThat(stored.fetch().nextFetchAt()).isEqualTo(NOW.plus(INTERVAL));
        assertThat(stored.title()).isEqualTo(stored.feedUrl());
        assertThat(changes).isEmpty();
    }

    @Test
    void server_errors_back_off_exponentially_and_a_later_success_resets_the_error_count() {
        AtomicReference<Integer> status = new AtomicReference<>(500);
        server.on("/flaky", ex -> {
            if (status.get() == 200) {
                TestServer.respond(ex, 200, Map.of(), rss("Flaky", items("f", 1)));
            } else {
                TestServer.respond(ex, status.get(), Map.of(), "oops".getBytes(UTF_8));
            }
        });
        Source s = source("/flaky");

        assertThat(ingester.refresh(s)).isEqualTo(RefreshResult.error("HTTP 500 Internal Server Error"));
        RefreshResult second = ingester.refresh(reload(s));

        assertThat(second.status()).isEqualTo(Status.ERROR);
        Source failing = reload(s);
        assertThat(failing.fetch().errorCount()).isEqualTo(2);
        assertThat(failing.fetch().lastError()).isEqualTo("HTTP 500 Internal Server Error");
        assertThat(failing.fetch().nextFetchAt()).isEqualTo(NOW.plus(INTERVAL.multipliedBy(2)));
        assertThat(articles(s.id())).isZero();

        status.set(200);
        assertThat(ingester.refresh(failing)).isEqualTo(RefreshResult.ok(1, 0));
        Source healed = reload(s);
        assertThat(healed.fetch().errorCount()).isZero();
        assertThat(healed.fetch().lastError()).isNull();
        assertThat(healed.fetch().nextFetchAt()).isEqualTo(NOW.plus(INTERVAL));
    }

    @Test
    void too_many_requests_waits_for_the_servers_retry_after() {
        server.on("/busy", ex -> TestServer.respond(ex, 429, Map.of("Retry-After", "7200"), new byte[0]));
        Source s = source("/busy");

        RefreshResult result = ingester.refresh(s);

        assertThat(result).isEqualTo(RefreshResult.error("HTTP 429 Too Many Requests"));
        Source stored = reload(s);
        assertThat(stored.fetch().errorCount()).isEqualTo(1);
        assertThat(stored.fetch().lastError()).isEqualTo("HTTP 429 Too Many Requests");
        assertThat(stored.fetch().nextFetchAt()).isEqualTo(NOW.plus(Duration.ofHours(2)));
    }

    @Test
    void xxe_and_entity_bomb_feeds_are_errors_and_no_file_content_reaches_the_database(@TempDir Path dir)
            throws IOException {
        String marker = "SECRET-" + System.nanoTime();
        Path secret = Files.writeString(dir.resolve("secret.txt"), marker);
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<rss version=\"2.0\"><channel><title>&xxe;</title><link>https://x.example/</link>"
                + "<item><title>&xxe;</title><description>&xxe;</description><guid>1</guid></item>"
                + "</channel></rss>";
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        bomb.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
        for (int i = 2; i <= 9; i++) {
            bomb.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10))
                    .append("\">");
        }
        bomb.append("]><rss version=\"2.0\"><channel><title>&lol9;</title>"
                + "<item><title>&lol9;</title><guid>1</guid></item></channel></rss>");
        server.on("/xxe", serve(() -> xxe.getBytes(UTF_8)));
        server.on("/bomb", serve(() -> bomb.toString().getBytes(UTF_8)));
        Source a = source("/xxe");
        Source b = source("/bomb");

        RefreshResult ra = ingester.refresh(a);
        RefreshResult rb = ingester.refresh(b);

        assertThat(ra.status()).isEqualTo(Status.ERROR);
        assertThat(rb.status()).isEqualTo(Status.ERROR);
        assertThat(core.articles().count()).isZero();
        assertThat(reload(a).fetch().lastError()).isEqualTo(ra.error()).doesNotContain(marker);
        assertThat(reload(b).fetch().lastError()).isEqualTo(rb.error()).doesNotContain("lollol");
        long leaks = core.jdbi().withHandle(h -> h.createQuery("""
                SELECT (SELECT count(*) FROM sources
                        WHERE concat_ws(' ', title, site_url, last_error) LIKE '%' || :m || '%')
                     + (SELECT count(*) FROM articles
                        WHERE concat_ws(' ', title, summary, content_html) LIKE '%' || :m || '%')""")
                .bind("m", marker).mapTo(Long.class).one());
        assertThat(leaks).isZero();
    }

    @Test
    void a_feed_with_more_than_the_cap_stores_its_first_items_and_counts_the_rest_as_dropped() {
        int total = FeedIngester.MAX_ARTICLES_PER_FETCH + 200;
        server.on("/huge", serve(() -> rss("Huge", items("h", total))));
        Source s = source("/huge");

        RefreshResult result = ingester.refresh(s);

        DroppedItems dropped = DroppedItems.of(DroppedItems.Reason.ITEM_LIMIT, 200);
        assertThat(result).isEqualTo(RefreshResult.ok(FeedIngester.MAX_ARTICLES_PER_FETCH, 0, dropped));
        assertThat(articles(s.id())).isEqualTo(FeedIngester.MAX_ARTICLES_PER_FETCH);
        // Reading stops at the cap, so the items kept are the first in document order: h-0 .. h-999.
        Instant newestKept = core.jdbi().withHandle(h -> h.createQuery(
                "SELECT max(published_at) FROM articles WHERE source_id = :id").bind("id", s.id())
                .mapTo(Instant.class).one());
        assertThat(newestKept).isEqualTo(TestFeeds.BASE.plusSeconds(60L * (FeedIngester.MAX_ARTICLES_PER_FETCH - 1)));
        assertThat(reload(s).fetch().lastDropped()).isEqualTo(dropped);
        assertThat(ingester.droppedItemsTotal()).containsEntry(DroppedItems.Reason.ITEM_LIMIT, 200L);
    }

    @Test
    void an_item_with_a_date_postgresql_cannot_hold_is_stored_undated_beside_the_others() {
        // A lenient parse turns a bare "-0312" into the year -312, which PostgreSQL refused for the whole batch.
        String feed = """
                <?xml version="1.0"?><rss version="2.0"><channel><title>Dates</title><link>https://d.example/</link>
                <item><guid>good-1</guid><title>Good one</title><pubDate>Mon, 02 Nov 2025 10:00:00 GMT</pubDate></item>
                <item><guid>bad</guid><title>Bad date</title><pubDate>-0312</pubDate></item>
                <item><guid>day99</guid><title>Day 99</title><pubDate>Mon, 99 Nov 2025 10:00:00 GMT</pubDate></item>
                <item><guid>far</guid><title>Far future</title><pubDate>Mon, 02 Nov 99999 10:00:00 GMT</pubDate></item>
                <item><guid>good-2</guid><title>Good two</title><pubDate>Tue, 03 Nov 2025 10:00:00 GMT</pubDate></item>
                </channel></rss>""";
        server.on("/dates", serve(() -> feed.getBytes(UTF_8)));
        Source s = source("/dates");

        RefreshResult result = ingester.refresh(s);

        assertThat(result).isEqualTo(RefreshResult.ok(5, 0));
        Map<String, Instant> published = new java.util.HashMap<>();
        core.jdbi().useHandle(h -> h.createQuery("SELECT guid, published_at FROM articles WHERE source_id = :id")
                .bind("id", s.id()).map((rs, ctx) -> Map.entry(rs.getString(1),
                        rs.getObject(2, java.time.OffsetDateTime.class).toInstant()))
                .forEach(e -> published.put(e.getKey(), e.getValue())));
        assertThat(published).containsEntry("good-1", Instant.parse("2025-11-02T10:00:00Z"))
                .containsEntry("good-2", Instant.parse("2025-11-03T10:00:00Z"))
                .containsEntry("bad", NOW).containsEntry("day99", NOW).containsEntry("far", NOW);
        assertThat(reload(s).fetch().lastError()).isNull();
    }

    @Test
    void a_source_deleted_during_its_fetch_gives_an_error_result_instead_of_an_exception() {
        server.on("/gone", serve(() -> rss("Gone", items("g", 2))));
        Source s = source("/gone");
        core.sources().delete(s.id());

        RefreshResult result = ingester.refresh(s);

        assertThat(result.status()).isEqualTo(Status.ERROR);
        // A plain sentence: no exception class, no stack trace.
        assertThat(result.error()).isEqualTo("unexpected error while refreshing; see the server log");
        assertThat(core.articles().count()).isZero();
        assertThat(changes).isEmpty();
    }

    @Test
    void an_error_during_a_refresh_becomes_the_sources_error_and_releases_its_lease() {
        server.on("/feed", serve(() -> rss("Errors", items("e", 2))));
        Source created = source("/feed");
        Duration lease = Duration.ofMinutes(10);
        Instant claimedAt = created.fetch().nextFetchAt();
        Source claimed = core.sources().claimDue(claimedAt, 10, lease).stream()
                .filter(c -> c.id() == created.id()).findFirst().orElseThrow();
        FeedIngester overflowing = new FeedIngester(core.sources(), core.articles(),
                new FeedFetcher(FetchSettings.defaults().withAllowPrivateNetworks(true)),
                (id, inserted, updated) -> {
                    throw new StackOverflowError();
                }, Clock.fixed(NOW, ZoneOffset.UTC), INTERVAL);

        RefreshResult result = overflowing.refresh(claimed);

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.error()).isEqualTo("the feed could not be read: its structure is too deeply nested");
        Source after = reload(created);
        assertThat(after.fetch().lastError()).isEqualTo(result.error());
        assertThat(after.fetch().errorCount()).isEqualTo(1);
        // Backed off from the refresh's clock, no longer held until the end of the lease.
        assertThat(claimed.fetch().nextFetchAt()).isEqualTo(claimedAt.plus(lease));
        assertThat(after.fetch().nextFetchAt()).isEqualTo(Backoff.nextFetch(NOW, 1, INTERVAL, null));
    }

    @Test
    void a_failing_change_listener_does_not_fail_the_refresh() {
        server.on("/feed", serve(() -> rss("Listener", items("l", 2))));
        Source s = source("/feed");
        FeedIngester throwing = new FeedIngester(core.sources(), core.articles(),
                new FeedFetcher(FetchSettings.defaults().withAllowPrivateNetworks(true)),
                (id, inserted, updated) -> {
                    throw new IllegalStateException("cache down");
                }, Clock.fixed(NOW, ZoneOffset.UTC), INTERVAL);

        assertThat(throwing.refresh(s)).isEqualTo(RefreshResult.ok(2, 0));
        assertThat(reload(s).fetch().errorCount()).isZero();
    }

    @Test
    void private_addresses_are_refused_when_the_fetcher_does_not_allow_them() {
        server.on("/feed", serve(() -> rss("Private", items("p", 1))));
        Source s = source("/feed");
        FeedIngester strict = new FeedIngester(core.sources(), core.articles(),
                new FeedFetcher(FetchSettings.defaults()), ChangeListener.NONE, Clock.fixed(NOW, ZoneOffset.UTC),
                INTERVAL);

        RefreshResult result = strict.refresh(s);

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(server.requests()).isEmpty();
        assertThat(core.articles().count()).isZero();
    }
}
