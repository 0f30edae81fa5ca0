package newsagg.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import newsagg.cache.testing.TestRedisServer;
import newsagg.core.testing.PostgresExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The real application, as {@link Main} builds it, on a random port against a test class's own database, and a client for it. */
final class TestServer implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Application application;
    private final NewsServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Application application) {
        this.application = application;
        this.server = application.server();
    }

    static TestServer start(PostgresExtension pg, Map<String, String> extraEnvironment) {
        return start(pg.jdbcUrl(), pg.user(), pg.password(), extraEnvironment);
    }

    /** For test engines that cannot register a {@link PostgresExtension} (jqwik): the database is given directly. */
    static TestServer start(String jdbcUrl, String user, String password, Map<String, String> extraEnvironment) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("DATABASE_URL", jdbcUrl);
        env.put("DATABASE_USER", user);
        if (password != null) {
            env.put("DATABASE_PASSWORD", password);
        }
        env.put("CACHE_ENABLED", "false");
        // Tests that enable the cache get keys of their own, so no run ever reads another's cached answers.
        env.put("CACHE_NAMESPACE", "test-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        env.putAll(extraEnvironment);
        return new TestServer(Main.start(Config.fromEnvironment(env)));
    }

    static TestServer start(PostgresExtension pg) {
        return start(pg, Map.of());
    }

    int port() {
        return server.port();
    }

    /** Every route as {@code METHOD path}, from the server's own route table. */
    java.util.List<String> routeTable() {
        return server.routeTable();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** Deletes every key under {@code namespace} in the shared Redis (SCAN, never KEYS), bounded in rounds. */
    static void deleteRedisKeys(String namespace) {
        try (Jedis jedis = new Jedis(TestRedisServer.url())) {
            ScanParams params =
                    new ScanParams().match(namespace + ":*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            int rounds = 0;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                page.getResult().forEach(jedis::del);
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && ++rounds < 10_000);
        }
    }

    @Override
    public void close() {
        application.close();
    }
}
