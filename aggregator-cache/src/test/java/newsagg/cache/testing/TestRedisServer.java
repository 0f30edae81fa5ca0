package newsagg.cache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import newsagg.cache.RedisEndpoint;

/**
 * Finds the Redis that integration tests share, once per JVM, in this order: {@code TEST_REDIS_URL}
 * ({@code redis://[user:password@]host:port}), else 127.0.0.1:6379 if it answers PING, else a private
 * {@link RedisServerProcess} on a free port, started for this JVM and killed when it exits. It prints which one.
 *
 * <p>Tests never flush it: each works under a key namespace of its own and deletes exactly those keys.
 */
public final class TestRedisServer {

    private static final URI LOCAL = URI.create("redis://127.0.0.1:6379");

    private TestRedisServer() {
    }

    /** The shared Redis for this JVM, located on first use. */
    public static URI url() {
        return Located.URL;
    }

    /** A port nothing listens on (bound and released at once). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lazy holder: the search (and a server it may start) happens once, on first use, and only if used. */
    private static final class Located {

        static final URI URL = locate();

        private static URI locate() {
            String fromEnv = System.getenv("TEST_REDIS_URL");
            if (fromEnv != null && !fromEnv.isBlank()) {
                URI url = URI.create(fromEnv.strip());
                System.out.println("[test-redis] using TEST_REDIS_URL (" + new RedisEndpoint(url).hostAndPort() + ")");
                return url;
            }
            if (new RedisEndpoint(LOCAL).ping(Duration.ofSeconds(1))) {
                System.out.println("[test-redis] using the Redis at 127.0.0.1:6379");
                return LOCAL;
            }
            RedisServerProcess server = new RedisServerProcess(freePort());
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "test-redis-stop"));
            System.out.println("[test-redis] nothing answers on 127.0.0.1:6379 and TEST_REDIS_URL is unset: "
                    + "using a private redis-server at " + server.url());
            return server.url();
        }
    }
}
