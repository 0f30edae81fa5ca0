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
import java.util.function.Supplier;

import newsagg.cache.RedisEndpoint;

/**
 * Liveness and readiness. Readiness asks the database (and reports Redis), each check bounded in time so
 * that the endpoint never hangs. Only the database decides readiness: the cache fails open, and an
 * orchestrator must not pull every replica because Redis is down. The database is asked on a connection of
 * the check's own, not the request pool's: a pool busy with requests, or still in its reconnect backoff after
 * an outage, would otherwise make a ready database look down. A check still running is joined rather than
 * started again, so checks cannot pile up behind each other while the database is away.
 */
final class Health implements AutoCloseable {

    // Below the 2 s in which issue #8 wants readiness to turn 503, with room for a probe's own period.
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

    private final DatabaseProbe database;
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

    /** {@code redis} is null when the cache is disabled. */
    Health(DatabaseProbe database, RedisEndpoint redis) {
        this.database = database;
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
        boolean databaseUp = within(database);
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
