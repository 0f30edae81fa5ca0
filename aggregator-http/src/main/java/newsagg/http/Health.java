package newsagg.http;

import java.sql.Connection;
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
import javax.sql.DataSource;

import newsagg.cache.RedisEndpoint;

/**
 * Liveness and readiness. Readiness asks the database (and reports Redis), each check bounded in time so
 * that the endpoint never hangs. Only the database decides readiness: the cache fails open, and an
 * orchestrator must not pull every replica because Redis is down. A check still running (the pool may wait
 * up to its connection timeout, longer than a readiness answer) is joined rather than started again, so
 * checks cannot pile up behind each other while the database is away and delay the answer once it is back.
 */
final class Health implements AutoCloseable {

    // Below the 2 s in which issue #8 wants readiness to turn 503, with room for a probe's own period.
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final RedisEndpoint redis;
    private final ExecutorService checks;
    private final AtomicReference<CompletableFuture<Boolean>> databaseCheck = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Boolean>> redisCheck = new AtomicReference<>();

    /** {@code redis} is null when the cache is disabled. */
    Health(DataSource dataSource, RedisEndpoint redis) {
        this.dataSource = dataSource;
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

    private boolean databaseAnswers() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid((int) CHECK_TIMEOUT.toSeconds());
        } catch (java.sql.SQLException e) {
            return false;
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
    }

    /** The readiness body: overall status and each check by name. */
    record Report(String status, Map<String, String> checks) {
        boolean up() {
            return "up".equals(status);
        }
    }
}
