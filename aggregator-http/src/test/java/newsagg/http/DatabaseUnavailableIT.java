package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

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
        String database = PG.jdbcUrl().substring(PG.jdbcUrl().lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        try (TestServer server = TestServer.start(PG)) {
            assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);

            TestPostgres.server().execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
            TestPostgres.server().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");

            long started = System.nanoTime();
            HttpResponse<String> articles = server.get("/api/articles");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            JsonNode problem = ApiContractIT.assertProblem(articles, 503);
            assertThat(problem.get("detail").asText()).contains("database");
            assertThat(took).isLessThan(DataSources.CONNECTION_TIMEOUT.plusSeconds(5));

            HttpResponse<String> ready = server.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(TestServer.json(ready).get("checks").get("database").asText()).isEqualTo("down");

            TestPostgres.server().execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true");
            assertThat(Poll.until(() -> server.get("/health/ready"), r -> r.statusCode() == 200, Duration.ofSeconds(15)))
                    .as("ready again after the database came back").isTrue();
            assertThat(server.get("/api/articles").statusCode()).isEqualTo(200);
        } finally {
            TestPostgres.server().execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true");
        }
    }
}
