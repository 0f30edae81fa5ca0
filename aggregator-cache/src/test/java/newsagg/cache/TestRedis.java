package newsagg.cache;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import newsagg.cache.testing.TestRedisServer;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The shared Redis ({@link TestRedisServer}) as tests use it: every test gets its own key namespace, and
 * {@link #close()} deletes exactly the keys under it (SCAN over that unique prefix, never FLUSHALL).
 */
final class TestRedis implements AutoCloseable {

    static final URI URL = TestRedisServer.url();

    private final String namespace = "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private final RedisClient client = RedisClient.create(URL);
    private final List<Caches> opened = new ArrayList<>();
    private Generations generations;

    String namespace() {
        return namespace;
    }

    RedisClient client() {
        return client;
    }

    /**
     * Settings for this test's namespace, with generous timeouts: a loaded 2-core machine can stall a
     * reply past the production 100 ms, and these tests are not about timeouts.
     */
    CacheSettings settings() {
        return CacheSettings.defaults(URL).withNamespace(namespace)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .withPoolSize(64);
    }

    /** Caches closed with this helper. */
    Caches caches(CacheSettings settings) {
        return caches(settings, CacheTimer.NONE);
    }

    /** Caches closed with this helper, reporting their time to {@code timer}. */
    Caches caches(CacheSettings settings, CacheTimer timer) {
        Caches caches = Caches.create(settings, timer);
        opened.add(caches);
        return caches;
    }

    Caches caches() {
        return caches(settings());
    }

    /**
     * The Redis key of {@code key}'s entry in a cache whose scope is its name (the default), at the scope's current
     * generation; reading the generation starts it, as a cache's first get would.
     */
    String rendered(CacheKey key) {
        if (generations == null) {
            generations = caches().generations();
        }
        return key.render(namespace, generations.current(key.cache()));
    }

    long pttl(String key) {
        return client.pttl(key);
    }

    boolean exists(String key) {
        return client.exists(key);
    }

    List<String> keys() {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(namespace + ":*").count(500);
        do {
            ScanResult<String> page = client.scan(cursor, match);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    @Override
    public void close() {
        opened.forEach(Caches::close);
        for (String key : keys()) {
            client.del(key);
        }
        client.close();
    }
}
