package newsagg.http;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import newsagg.cache.RedisEndpoint;

/**
 * Liveness and readiness. Readiness asks the database (and reports Redis), each check bounded in time so
 * that the endpoint never hangs. Only the database decides readiness: the cache fails open, and an
 * orchestrator must not pull every replica because Redis is down. The database is asked on a connection of
 * the check's own, not the request pool's, so that a pool busy with requests does not make a ready database
 * look down; the pool only has to hold an open connection, busy or not. A check still running is joined rather than
 * started again, so checks cannot pile up behind each other while the database is away.
 */
final class Health implements AutoCloseable {

    // Below the 2 s in which issue #8 wants readiness to turn 503, with room for a probe's own period.
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

    private final DatabaseProbe database;
    private final IntSupplier pooledConnections;
    private final RedisEndpoint redis;
    private final ExecutorService checks;
    private final AtomicReference<CompletableFuture<Boolean>> databaseCheck = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Boolean>> redisCheck = new AtomicReference<>();

    /** Opens a connection for the database check; {@link Databases#direct} in the server. */
    @FunctionalInterface
    interface DatabaseProbe {
        Connection open() throws SQLException;
    }

    // Used by one check at a time (a running check is joined, never run twice), on the checks' threads.
    private volatile Connection probeConnection;

    /**
     * {@code pooledConnections} counts the request pool's open connections, busy or idle; {@code redis} is null
     * when the cache is disabled.
     */
    Health(DatabaseProbe database, IntSupplier pooledConnections, RedisEndpoint redis) {
        this.database = database;
        this.pooledConnections = pooledConnections;
        this.redis = redis;
        this.checks = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "health-check");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The readiness report: {@code status} is {@code up} exactly when the database answered. */
    Report ready() {
        CompletableFuture<Boolean> database = joinOrStart(databaseCheck, this::databaseAnswers);
        CompletableFuture<Boolean> cache = redis == null
                ? CompletableFuture.completedFuture(null)
                : joinOrStart(redisCheck, () -> redis.ping(Duration.ofMillis(500)));
        // Up when the database answers and the pool holds a connection again: right after an outage the pool may
        // still be in its reconnect backoff, and requests would fail although the database answers.
        boolean databaseUp = within(database) && pooledConnections.getAsInt() > 0;
        Boolean redisUp = redis == null ? null : within(cache);
        Map<String, String> results = new LinkedHashMap<>();
        results.put("database", databaseUp ? "up" : "down");
        results.put("redis", redisUp == null ? "disabled" : redisUp ? "up" : "down");
        return new Report(databaseUp ? "up" : "down", results);
    }

    private CompletableFuture<Boolean> joinOrStart(AtomicReference<CompletableFuture<Boolean>> slot,
                                                   Supplier<Boolean> check) {
        while (true) {
            CompletableFuture<Boolean> running = slot.get();
            if (running != null && !running.isDone()) {
                return running;
            }
            CompletableFuture<Boolean> fresh = new CompletableFuture<>();
            if (slot.compareAndSet(running, fresh)) {
                checks.execute(() -> {
                    try {
                        fresh.complete(check.get());
                    } catch (RuntimeException e) {
                        fresh.complete(false);
                    }
                });
                return fresh;
            }
        }
    }

    /**
     * Whether the database answers on the check's own connection, reopened when it is gone (a restart, or
     * {@code pg_terminate_backend}); reopening is not subject to the pool's backoff, so readiness follows the
     * database itself.
     */
    private boolean databaseAnswers() {
        int seconds = (int) Math.max(1, CHECK_TIMEOUT.toSeconds());
        try {
            Connection connection = probeConnection;
            if (connection != null && connection.isValid(seconds)) {
                return true;
            }
            closeProbe();
            connection = database.open();
            probeConnection = connection;
            return connection.isValid(seconds);
        } catch (SQLException e) {
            closeProbe();
            return false;
        }
    }

    private void closeProbe() {
        Connection connection = probeConnection;
        probeConnection = null;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // The connection is being discarded because it failed; there is nothing left to release.
            }
        }
    }

    private static boolean within(CompletableFuture<Boolean> check) {
        try {
            return Boolean.TRUE.equals(check.get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            // Not cancelled: the check keeps its thread until its own bounds end it, and the next call joins it.
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    @Override
    public void close() {
        checks.shutdownNow();
        closeProbe();
    }

    /** The readiness body: overall status and each check by name. */
    record Report(String status, Map<String, String> checks) {
        boolean up() {
            return "up".equals(status);
        }
    }
}
