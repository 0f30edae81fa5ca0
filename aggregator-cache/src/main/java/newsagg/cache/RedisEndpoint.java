package newsagg.cache;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Where Redis is ({@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS), and a
 * bounded liveness probe of it. The probe opens its own short-lived connection, so it reports Redis
 * itself rather than the state of any pool.
 */
public final class RedisEndpoint {

    private final HostAndPort hostAndPort;
    private final URI uri;

    public RedisEndpoint(URI uri) {
        if (!JedisURIHelper.isValid(uri)) {
            throw new IllegalArgumentException("not a usable Redis URL");
        }
        this.uri = uri;
        this.hostAndPort = JedisURIHelper.getHostAndPort(uri);
    }

    /** Client settings for this endpoint with the given connect and socket timeouts. */
    public JedisClientConfig clientConfig(Duration connectTimeout, Duration socketTimeout) {
        return configBuilder(connectTimeout, socketTimeout).build();
    }

    private DefaultJedisClientConfig.Builder configBuilder(Duration connectTimeout, Duration socketTimeout) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                .ssl("rediss".equals(uri.getScheme().toLowerCase(Locale.ROOT)))
                .clientName("newsagg");
        String user = JedisURIHelper.getUser(uri);
        String password = JedisURIHelper.getPassword(uri);
        if (user != null) {
            builder.user(user);
        }
        if (password != null) {
            builder.password(password);
        }
        if (JedisURIHelper.hasDbIndex(uri)) {
            builder.database(JedisURIHelper.getDBIndex(uri));
        }
        return builder;
    }

    public HostAndPort hostAndPort() {
        return hostAndPort;
    }

    /** True when Redis answers PING within {@code timeout} (used for connect and for the reply each). */
    public boolean ping(Duration timeout) {
        // A plain Jedis connection speaks RESP2; saying so up front keeps it from warning on every probe.
        JedisClientConfig config = configBuilder(timeout, timeout).autoNegotiateProtocol(false).build();
        try (Jedis jedis = new Jedis(hostAndPort, config)) {
            return "PONG".equals(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }
}
