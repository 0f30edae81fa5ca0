package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import newsagg.core.store.DataSources;
import newsagg.core.testing.Poll;
import newsagg.core.testing.PostgresExtension;
import newsagg.core.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** When PostgreSQL refuses connections the API answers 503 problems quickly, and recovers by itself. */
class DatabaseUnavailableIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @Test
    void requestsGet503WhileTheDatabaseIsUnreachableAndRecoverAfterwards() {
        try (TestServer server = TestServer.start(PG)) {
            assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);

            cutOffTheDatabase(PG);

            long started = System.nanoTime();
            HttpResponse<String> articles = server.get("/api/articles");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            JsonNode problem = ApiContractIT.assertProblem(articles, 503);
            assertThat(problem.get("detail").asText()).contains("database");
            assertThat(took).isLessThan(DataSources.CONNECTION_TIMEOUT.plusSeconds(5));

            HttpResponse<String> ready = server.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(TestServer.json(ready).get("checks").get("database").asText()).isEqualTo("down");

            reopenTheDatabase(PG);
            assertThat(Poll.until(() -> server.get("/health/ready"), r -> r.statusCode() == 200, Duration.ofSeconds(15)))
                    .as("ready again after the database came back").isTrue();
            // A pooled connection that died in the outage is only found out when a request borrows it (that request
            // gets a 503 problem); readiness no longer uses the pool, so it no longer flushes them first.
            assertThat(Poll.until(() -> server.get("/api/articles"), r -> r.statusCode() == 200, Duration.ofSeconds(10)))
                    .as("requests served again without a restart").isTrue();
        } finally {
            reopenTheDatabase(PG);
        }
    }

    @Test
    void readinessTurns503WellWithinTwoSecondsAndRepeatedProbesDoNotPileUp() {
        try (TestServer server = TestServer.start(PG)) {
            assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);

            cutOffTheDatabase(PG);

            // Probes back to back for 4 s, as an orchestrator or the fault run sends them; each must answer in time.
            long slowestNanos = 0;
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() - end < 0) {
                long started = System.nanoTime();
                HttpResponse<String> ready = server.get("/health/ready");
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - started);
                assertThat(ready.statusCode()).isEqualTo(503);
            }
            assertThat(Duration.ofNanos(slowestNanos)).as("issue #8: 503 within 2 s, with room for the probe period")
                    .isLessThan(Duration.ofMillis(1500));

            reopenTheDatabase(PG);
            assertThat(Poll.until(() -> server.get("/health/ready"), r -> r.statusCode() == 200, Duration.ofSeconds(15)))
                    .as("ready again after the database came back").isTrue();
        } finally {
            reopenTheDatabase(PG);
        }
    }

    @Test
    void readinessStays200WhileEveryPooledConnectionIsBusy() throws Exception {
        // Two is the smallest pool the server starts with: Flyway takes a second connection for its lock.
        try (TestServer server = TestServer.start(PG, Map.of("DATABASE_POOL_SIZE", "2"));
             Connection locker = PG.dataSource().getConnection()) {
            assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
            locker.setAutoCommit(false);
            try (Statement statement = locker.createStatement()) {
                statement.execute("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE");
            }
            // Both pooled connections now wait on the lock inside these requests, until the lock goes.
            List<CompletableFuture<HttpResponse<String>>> blocked = List.of(
                    CompletableFuture.supplyAsync(() -> server.get("/api/articles")),
                    CompletableFuture.supplyAsync(() -> server.get("/api/articles?limit=5")));
            assertThat(Poll.until(DatabaseUnavailableIT::blockedOnTheLock, waiting -> waiting == 2, Duration.ofSeconds(5)))
                    .as("the requests hold both pooled connections").isTrue();

            HttpResponse<String> ready = server.get("/health/ready");

            assertThat(ready.statusCode()).as("a busy pool is not a database that is down").isEqualTo(200);
            locker.rollback();
            for (CompletableFuture<HttpResponse<String>> request : blocked) {
                assertThat(request.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        }
    }

    private static String database(PostgresExtension pg) {
        return pg.jdbcUrl().substring(pg.jdbcUrl().lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    }

    /** No new connection to {@code pg}'s database is accepted, and every open one is closed by the server. */
    static void cutOffTheDatabase(PostgresExtension pg) {
        TestPostgres.server().execute("ALTER DATABASE " + database(pg) + " WITH ALLOW_CONNECTIONS false");
        TestPostgres.server().execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database(pg) + "'");
    }

    static void reopenTheDatabase(PostgresExtension pg) {
        TestPostgres.server().execute("ALTER DATABASE " + database(pg) + " WITH ALLOW_CONNECTIONS true");
    }

    private static int blockedOnTheLock() {
        try (Connection connection = PG.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet waiting = statement.executeQuery(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'newsagg' AND wait_event_type = 'Lock'")) {
            return waiting.next() ? waiting.getInt(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
