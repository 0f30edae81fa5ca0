package newsagg.http;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import newsagg.core.store.DataSources;

/**
 * The server's connection pool. Every wait is bounded: getting a connection, validating it, and each
 * statement, so that a slow or absent database turns into a quick 503 rather than a hung request.
 */
final class Databases {

    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);

    private Databases() {
    }

    /** The pool for serving requests: statements time out after {@link #STATEMENT_TIMEOUT}. */
    static HikariDataSource pool(Config config) {
        return pool(config, STATEMENT_TIMEOUT);
    }

    /** A pool whose statements time out after {@code statementTimeout}; zero means never (bulk loads). */
    static HikariDataSource pool(Config config, Duration statementTimeout) {
        HikariConfig hikari = DataSources.config(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                config.databasePoolSize(), "newsagg");
        // Start even when the database is down: readiness reports it, and requests get 503 until it is back.
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("connectTimeout", "3");
        if (!statementTimeout.isZero()) {
            hikari.addDataSourceProperty("socketTimeout", String.valueOf(statementTimeout.toSeconds() + 5));
            hikari.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
        }
        hikari.addDataSourceProperty("ApplicationName", "newsagg");
        return new HikariDataSource(hikari);
    }

    /**
     * A connection of its own, outside the pool, for the readiness check: the pool's waits (requests queued for a
     * connection, its reconnect backoff after an outage) must not decide whether the database answers. Connecting
     * and each reply are bounded by {@code timeout}, rounded up to whole seconds as the driver takes them.
     */
    static Connection direct(Config config, Duration timeout) throws SQLException {
        String seconds = String.valueOf(Math.max(1, (timeout.toMillis() + 999) / 1000));
        Properties properties = new Properties();
        properties.setProperty("user", config.databaseUser());
        if (config.databasePassword() != null) {
            properties.setProperty("password", config.databasePassword());
        }
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("ApplicationName", "newsagg");
        return DriverManager.getConnection(config.databaseUrl(), properties);
    }
}
