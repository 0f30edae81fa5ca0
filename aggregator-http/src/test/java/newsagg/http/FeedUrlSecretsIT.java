package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;

import newsagg.core.NewsCore;
import newsagg.core.domain.Source;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Feed URLs often carry a secret (a token in the query, a password before the host). Anonymous readers see them
 * without credentials and with query values masked; only the admin's OPML export has the URL whole.
 */
class FeedUrlSecretsIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String ADMIN_TOKEN = "secrets-admin-token-0123456789";
    static final String SECRET_URL = "https://reader:hunter2@secret.example.org/feed?token=SECRET-42&lang=en";
    static final String SHOWN_URL = "https://secret.example.org/feed?token=***&lang=***";

    static TestServer server;
    static long sourceId;

    @BeforeAll
    static void start() {
        server = TestServer.start(PG, Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "FEEDS_POLL_ENABLED", "false"));
        // Stored directly: the admin API refuses credentials in new URLs, but older rows and OPML files may hold them.
        Source source = NewsCore.open(PG.dataSource()).sources().create(SECRET_URL, "Paywalled", null);
        sourceId = source.id();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anonymousReadersSeeTheFeedUrlWithoutCredentialsOrQueryValues() {
        String listing = server.get("/api/sources").body();
        String one = server.get("/api/sources/" + sourceId).body();

        assertThat(TestServer.json(server.get("/api/sources/" + sourceId)).get("feed_url").asText()).isEqualTo(SHOWN_URL);
        assertThat(listing).contains(SHOWN_URL);
        assertThat(listing + one).doesNotContain("SECRET-42", "hunter2", "reader:", "lang=en");
    }

    @Test
    void theAdminsOpmlExportHasTheWholeUrl() {
        String opml = server.send(HttpRequest.newBuilder(server.uri("/api/opml"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build()).body();

        assertThat(opml).contains("token=SECRET-42&amp;lang=en", "reader:hunter2@");
    }
}
