package newsagg.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the core lives in its database: the PostgreSQL schema that holds its tables (created if missing) and the
 * Flyway history table, in that schema, that records its migrations. Both are the core's own, so a host application
 * keeps its own schema, its own {@code flyway_schema_history} and its own {@code V1__…} beside it. The migrations
 * themselves always come from {@link #MIGRATIONS}.
 *
 * @param schema       the schema of the core's tables (default {@value #DEFAULT_SCHEMA})
 * @param historyTable the core's Flyway history table inside {@code schema} (default {@value #DEFAULT_HISTORY_TABLE})
 */
public record CoreOptions(String schema, String historyTable) {

    public static final String DEFAULT_SCHEMA = "newsagg";
    static final String DEFAULT_HISTORY_TABLE = "newsagg_schema_history";
    /** The core's migrations, under a folder no host application would use for its own. */
    static final String MIGRATIONS = "classpath:newsagg/db/migration";

    /** Unquoted PostgreSQL identifiers only: they end up in SQL, and a case-folded name must mean what it says. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public CoreOptions {
        requireIdentifier("schema", schema);
        requireIdentifier("historyTable", historyTable);
    }

    /** Schema {@value #DEFAULT_SCHEMA}, history table {@value #DEFAULT_HISTORY_TABLE}. */
    public static CoreOptions defaults() {
        return new CoreOptions(DEFAULT_SCHEMA, DEFAULT_HISTORY_TABLE);
    }

    public CoreOptions withSchema(String schema) {
        return new CoreOptions(schema, historyTable);
    }

    public CoreOptions withHistoryTable(String historyTable) {
        return new CoreOptions(schema, historyTable);
    }

    private static void requireIdentifier(String name, String value) {
        Objects.requireNonNull(value, name);
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must match " + IDENTIFIER.pattern() + ", was \"" + value + "\"");
        }
    }
}
