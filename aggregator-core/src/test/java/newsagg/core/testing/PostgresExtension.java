package newsagg.core.testing;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import newsagg.core.CoreOptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own PostgreSQL database, created before the first test and dropped after
 * the last. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension PG = new PostgresExtension();
 * }</pre>
 *
 * The database starts empty; tests run the migrations themselves, as production code does. The pool's connections
 * resolve table names in the core's default schema ({@link CoreOptions#DEFAULT_SCHEMA}), as the server's do.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private String jdbcUrl;
    private HikariDataSource dataSource;

    @Override
    public void beforeAll(ExtensionContext context) {
        jdbcUrl = TestPostgres.server().createDatabase();
        dataSource = TestPostgres.server().pool(jdbcUrl, 8, "test-" + context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (dataSource != null) {
            dataSource.close();
        }
        if (jdbcUrl != null) {
            TestPostgres.server().dropDatabase(jdbcUrl);
        }
    }

    /** A pooled data source on this class's database. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The JDBC URL of this class's database. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return TestPostgres.server().user();
    }

    public String password() {
        return TestPostgres.server().password();
    }
}
