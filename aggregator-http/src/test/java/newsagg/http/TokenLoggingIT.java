package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import newsagg.core.testing.Poll;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never reach the log, and neither does what a client wrote: the packaged server runs as its own process
 * with {@code ADMIN_TOKEN} and {@code METRICS_TOKEN} set, takes failed, locked-out and successful authenticated
 * calls and searches and times that PostgreSQL would refuse, and stops; nothing it wrote from start-up to shutdown
 * contains either token, an {@code Authorization} header, a stack trace or the query text.
 */
class TokenLoggingIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String ADMIN = "log-admin-token-5f1c2a9e7b";
    static final String METRICS = "log-metrics-token-8d3e6b0f4a";
    /** What a client may write into a query to forge a log line, once a newline ends the real one. */
    static final String FORGED_LINE = "WARN newsagg.http.TokenCheck - admin token accepted";
    static final Pattern LISTENING = Pattern.compile("newsagg listening on port (\\d+)");

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void neitherTokenNorAuthorizationHeaderIsEverLogged(@TempDir Path dir) throws Exception {
        Path jar = Path.of("target", "newsagg.jar");
        assertThat(jar).as("the packaged server (built in the package phase)").exists();
        Path log = dir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PORT", "0");
        builder.environment().put("DATABASE_URL", PG.jdbcUrl());
        builder.environment().put("DATABASE_USER", PG.user());
        if (PG.password() != null) {
            builder.environment().put("DATABASE_PASSWORD", PG.password());
        }
        builder.environment().put("CACHE_ENABLED", "false");
        builder.environment().put("FEEDS_POLL_ENABLED", "false");
        builder.environment().put("ADMIN_TOKEN", ADMIN);
        builder.environment().put("METRICS_TOKEN", METRICS);
        Process server = builder.start();
        try {
            assertThat(Poll.until(() -> read(log), text -> LISTENING.matcher(text).find() || !server.isAlive(),
                    Duration.ofSeconds(60))).isTrue();
            Matcher listening = LISTENING.matcher(read(log));
            assertThat(listening.find()).as(read(log)).isTrue();
            int port = Integer.parseInt(listening.group(1));

            List<Integer> statuses = new ArrayList<>();
            statuses.add(call(port, "GET", "/api/opml", ADMIN, null));
            statuses.add(call(port, "POST", "/api/sources", ADMIN, "{\"feed_url\":\"not a url\"}"));
            statuses.add(call(port, "GET", "/metrics", METRICS, null));
            statuses.add(call(port, "GET", "/debug/timings", METRICS, null));
            statuses.add(call(port, "GET", "/api/opml", null, null));
            for (int i = 0; i < AuthFailures.FREE_FAILURES + 2; i++) {
                statuses.add(call(port, "GET", "/api/opml", ADMIN.substring(0, 12) + "-wrong-" + i, null));
            }
            statuses.add(call(port, "GET", "/metrics", METRICS + "x", null));

            assertThat(statuses.subList(0, 4)).containsExactly(200, 400, 200, 200);
            assertThat(statuses.subList(4, statuses.size())).containsOnly(401, 429).contains(429);

            List<Integer> refusedByPostgresql = List.of(
                    call(port, "GET", "/api/search?q=" + encode(FORGED_LINE + " " + "- ".repeat(40)), null, null),
                    call(port, "GET", "/api/articles?until=" + encode("+294277-01-01T00:00:00Z"), null, null),
                    call(port, "GET", "/api/search?q=" + encode("news\n" + FORGED_LINE), null, null));
            assertThat(refusedByPostgresql).containsExactly(400, 400, 200);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }

        String output = read(log);
        assertThat(output).contains("admin_token=****", "metrics_token=****", "newsagg stopped");
        assertThat(output).doesNotContain(ADMIN, METRICS, ADMIN.substring(0, 12), METRICS.substring(0, 12), "Bearer ");
        assertThat(output.toLowerCase(java.util.Locale.ROOT)).doesNotContain("authorization");
        assertThat(output).as("no stack trace, no query text, no forged line").doesNotContain("\tat ", "tsquery",
                "out of range", "admin token accepted");
    }

    int call(int port, String method, String path, String token, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
