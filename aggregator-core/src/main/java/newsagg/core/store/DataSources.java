package newsagg.core.store;

import java.time.Duration;
import java.util.Objects;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import newsagg.core.CoreOptions;

/**
 * Builds the connection pool the server uses: HikariCP with short timeouts, so that a database that is down makes a
 * request fail within seconds instead of queueing it. The caller closes the pool.
 */
public final class DataSources {

    /** The longest wait for a pooled connection before the pool gives up. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    private static final long VALIDATION_TIMEOUT_MS = 1_000;

    private DataSources() {
    }

    /** A pool of at most {@code poolSize} connections; {@code password} may be null (trust authentication). */
    public static HikariDataSource pooled(String jdbcUrl, String user, String password, int poolSize, String poolName) {
        return new HikariDataSource(config(jdbcUrl, user, password, poolSize, poolName));
    }

    /**
     * The settings {@link #pooled} uses (bounded connection and validation waits, connections in the core's default
     * schema {@value CoreOptions#DEFAULT_SCHEMA}), for callers that add their own, or another schema, before building
     * the pool.
     */
    public static HikariConfig config(String jdbcUrl, String user, String password, int poolSize, String poolName) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, was " + jdbcUrl);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(Objects.requireNonNull(poolName, "poolName"));
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(VALIDATION_TIMEOUT_MS);
        config.setSchema(CoreOptions.DEFAULT_SCHEMA);
        return config;
    }
}
