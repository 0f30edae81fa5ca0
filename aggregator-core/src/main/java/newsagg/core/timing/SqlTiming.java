package newsagg.core.timing;

import java.sql.SQLException;

import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Reports the execution time of every JDBI statement to a {@link StageTimer} as {@link StageTimer#DB}, measured
 * with the monotonic clock (JDBI's own elapsed time comes from the wall clock).
 */
public final class SqlTiming implements SqlLogger {

    private static final String STARTED = "newsagg.sql.started";

    private final StageTimer timer;

    public SqlTiming(StageTimer timer) {
        this.timer = timer;
    }

    @Override
    public void logBeforeExecution(StatementContext context) {
        context.define(STARTED, System.nanoTime());
    }

    @Override
    public void logAfterExecution(StatementContext context) {
        report(context);
    }

    @Override
    public void logException(StatementContext context, SQLException ex) {
        report(context);
    }

    private void report(StatementContext context) {
        if (context.getAttribute(STARTED) instanceof Long started) {
            timer.add(StageTimer.DB, System.nanoTime() - started);
        }
    }
}
