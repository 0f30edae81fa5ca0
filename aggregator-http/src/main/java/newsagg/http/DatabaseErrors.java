package newsagg.http;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;

/**
 * Tells "the database is unavailable" (a 503: retry later) and "the database refused a value the client sent"
 * (a 400) apart from every other failure (a bug: 500), by walking the cause chain of whatever JDBI, HikariCP or
 * PgJDBC threw.
 */
final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /**
     * True when PostgreSQL refused a statement because of a value in it rather than because of the database: a data
     * exception (SQLSTATE class 22, e.g. timestamp out of range), a program limit (class 54, e.g. a statement too
     * complex), or the internal error websearch_to_tsquery raises for a query that overflows its parser's stack.
     */
    static boolean refusedInput(Throwable error) {
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("22") || state.startsWith("54")
                        || (state.equals("XX000") && String.valueOf(sql.getMessage()).contains("tsquery stack too small"))) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean unavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P0x: server shutting down or not yet accepting; 57014: statement timeout.
                if (state.startsWith("08") || state.startsWith("57P0") || state.equals("57014") || state.equals("53300")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
