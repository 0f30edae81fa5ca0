package newsagg.core.testing;

import newsagg.core.NewsCore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A migrated {@link NewsCore} on the test class's own database ({@link PostgresExtension}), emptied before each test
 * so that tests do not see each other's rows. Register it as a static field and use {@link #core()}.
 */
public final class CoreExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final PostgresExtension postgres = new PostgresExtension();
    private NewsCore core;

    @Override
    public void beforeAll(ExtensionContext context) {
        postgres.beforeAll(context);
        core = NewsCore.open(postgres.dataSource());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        core.jdbi().useHandle(h -> h.execute("TRUNCATE sources, articles RESTART IDENTITY CASCADE"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        postgres.afterAll(context);
    }

    /** The pool of this class's database, for code that takes a {@code DataSource}. */
    public javax.sql.DataSource dataSource() {
        return postgres.dataSource();
    }

    /** The core over this class's database. */
    public NewsCore core() {
        return core;
    }
}
