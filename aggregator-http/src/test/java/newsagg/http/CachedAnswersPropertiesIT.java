package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import newsagg.cache.testing.TestRedisServer;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.testing.Poll;
import newsagg.core.testing.TestPostgres;

/**
 * Property: whatever interleaving of new articles, changed articles, added and deleted sources, lost Redis keys and
 * reads on two server instances that share one Redis, every cached answer of search, trending and sources equals
 * what the database answers without a cache, either at once or within the freshness bound
 * ({@link ResponseCaches#MARK_MAX_AGE} plus the time of a load), asserted here as one second.
 */
class CachedAnswersPropertiesIT {

    static final Duration BOUND = Duration.ofSeconds(1);
    private static final String[] WORDS = {"storm", "market", "vote", "court", "oil", "rain", "budget"};
    private static final String NAMESPACE = "test-props-" + Long.toHexString(System.nanoTime());

    private static String jdbcUrl;
    private static HikariDataSource dataSource;
    private static NewsCore core;
    private static final Json JSON = new Json();
    private static final List<TestServer> SERVERS = new ArrayList<>();
    private static final List<Long> SOURCES = new ArrayList<>();
    private static final List<String> KEYS = new ArrayList<>();
    private static int next;

    private static synchronized void open() {
        if (core != null) {
            return;
        }
        jdbcUrl = TestPostgres.server().createDatabase();
        dataSource = TestPostgres.server().pool(jdbcUrl, 4, "test-cached-answers");
        core = NewsCore.open(dataSource);
        for (int i = 0; i < 2; i++) {
            SERVERS.add(TestServer.start(jdbcUrl, TestPostgres.server().user(), TestPostgres.server().password(),
                    Map.of("CACHE_ENABLED", "true", "REDIS_URL", TestRedisServer.url().toString(), "CACHE_NAMESPACE", NAMESPACE,
                            "FEEDS_POLL_ENABLED", "false")));
        }
        addSource();
    }

    @AfterContainer
    static void close() {
        SERVERS.forEach(TestServer::close);
        if (dataSource != null) {
            dataSource.close();
            TestPostgres.server().dropDatabase(jdbcUrl);
            evictEverything();
        }
    }

    sealed interface Action permits Insert, Update, AddSource, DeleteSource, EvictRedis, Read, Reread {
    }

    record Insert(int source, List<String> titles) implements Action {
    }

    record Update(int key, String title) implements Action {
    }

    record AddSource() implements Action {
    }

    record DeleteSource(int source) implements Action {
    }

    record EvictRedis() implements Action {
    }

    record Read(int server, String path) implements Action {
    }

    /**
     * An earlier read again (the {@code back}-th before, counting round), on either server: with hundreds of
     * possible paths, fresh reads seldom ask for an answer the cache already holds, and moving an answer up or
     * merging it happens only to one that is held.
     */
    record Reread(int server, int back) implements Action {
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<String> word = Arbitraries.of(WORDS);
        Arbitrary<String> title = word.list().ofMinSize(1).ofMaxSize(4).map(w -> String.join(" ", w));
        Arbitrary<String> query = Arbitraries.oneOf(word, Combinators.combine(word, word).as((a, b) -> a + " " + b),
                Combinators.combine(word, word).as((a, b) -> a + " or " + b));
        Arbitrary<String> path = Arbitraries.oneOf(
                Combinators.combine(query, Arbitraries.integers().between(1, 5)).as((q, limit) ->
                        "/api/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&limit=" + limit),
                Arbitraries.of("/api/trending?hours=24&limit=10", "/api/trending?hours=1&limit=5", "/api/sources"));
        Arbitrary<Action> read = Combinators.combine(Arbitraries.integers().between(0, 1), path).as(Read::new);
        Arbitrary<Action> reread = Combinators.combine(Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 7)).as(Reread::new);
        Arbitrary<Action> insert = Combinators.combine(Arbitraries.integers().between(0, 9),
                title.list().ofMinSize(1).ofMaxSize(3)).as(Insert::new);
        Arbitrary<Action> update = Combinators.combine(Arbitraries.integers().between(0, 999), title).as(Update::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, read), net.jqwik.api.Tuple.of(8, reread), net.jqwik.api.Tuple.of(5, insert),
                net.jqwik.api.Tuple.of(2, update),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new AddSource())),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 9).map(DeleteSource::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new EvictRedis())))
                .list().ofMinSize(5).ofMaxSize(30);
    }

    @Property(tries = 15)
    void everyCachedAnswerEqualsTheUncachedOneWithinTheBound(@ForAll("actions") List<Action> actions) {
        open();
        List<String> read = new ArrayList<>();
        for (Action action : actions) {
            if (action instanceof Insert insert) {
                insert(insert);
            } else if (action instanceof Update update) {
                update(update);
            } else if (action instanceof AddSource) {
                addSource();
            } else if (action instanceof DeleteSource delete) {
                deleteSource(delete);
            } else if (action instanceof EvictRedis) {
                evictEverything();
            } else if (action instanceof Read fresh) {
                read.add(fresh.path());
                check(fresh);
            } else if (action instanceof Reread again && !read.isEmpty()) {
                check(new Read(again.server(), read.get(read.size() - 1 - again.back() % read.size())));
            }
        }
    }

    private static void check(Read read) {
        TestServer server = SERVERS.get(read.server());
        Supplier<Boolean> equal = () -> {
            HttpResponse<String> cached = server.get(read.path());
            assertThat(cached.statusCode()).as(read.path()).isEqualTo(200);
            return cached.body().equals(uncached(read.path()));
        };
        if (equal.get()) {
            return;
        }
        assertThat(Poll.until(equal, Boolean::booleanValue, BOUND))
                .as("%s on server %d equals the uncached answer within %s", read.path(), read.server(), BOUND)
                .isTrue();
    }

    private static String uncached(String path) {
        Map<String, String> params = new java.util.HashMap<>();
        int query = path.indexOf('?');
        if (query >= 0) {
            for (String pair : path.substring(query + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        Object body;
        if (path.startsWith("/api/search")) {
            body = core.queries().search(params.get("q"), Integer.parseInt(params.get("limit")), null);
        } else if (path.startsWith("/api/trending")) {
            body = core.queries().trending(Integer.parseInt(params.get("hours")), Integer.parseInt(params.get("limit")));
        } else {
            body = new ReadHandlers.Items<>(core.queries().sources());
        }
        return new String(JSON.bytes(body), StandardCharsets.UTF_8);
    }

    private static void insert(Insert insert) {
        if (SOURCES.isEmpty()) {
            addSource();
        }
        long source = SOURCES.get(insert.source() % SOURCES.size());
        Instant now = Instant.now();
        List<NewArticle> batch = new ArrayList<>();
        for (String title : insert.titles()) {
            String key = "k" + next++;
            KEYS.add(source + "/" + key);
            // Inside every window this test reads, for as long as it runs, so that only stored articles move them.
            Instant at = now.minus(2 + next % 20, ChronoUnit.MINUTES);
            batch.add(new NewArticle(key, null, null, title, "summary of " + title, "", null, at, now, List.of()));
        }
        core.articles().upsert(source, batch);
    }

    private static void update(Update update) {
        if (KEYS.isEmpty()) {
            return;
        }
        String[] sourceAndKey = KEYS.get(update.key() % KEYS.size()).split("/");
        long source = Long.parseLong(sourceAndKey[0]);
        if (!SOURCES.contains(source)) {
            return;
        }
        Instant now = Instant.now();
        core.articles().upsert(source, List.of(new NewArticle(sourceAndKey[1], null, null, update.title(), "changed",
                "", null, now.minus(1, ChronoUnit.MINUTES), now, List.of())));
    }

    private static void addSource() {
        SOURCES.add(core.sources().create("https://example.org/" + next++ + ".xml", "Source " + next, null).id());
    }

    private static void deleteSource(DeleteSource delete) {
        if (SOURCES.size() < 2) {
            return;
        }
        long source = SOURCES.remove(delete.source() % SOURCES.size());
        assertThat(core.sources().delete(source)).isTrue();
    }

    /** Every key of this test's namespace, entries and counters alike, as an eviction or a restart would. */
    private static void evictEverything() {
        TestServer.deleteRedisKeys(NAMESPACE);
    }
}
