package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Labels built from what a client sends must come from a bounded set: made-up method names, each answered 405,
 * once left a new metrics series (about 126 KB of heap) per name, so a few thousand requests killed the JVM.
 * The server runs in this JVM, so its heap after a full GC is measured directly.
 */
class MetricCardinalityIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final String METRICS_TOKEN = "metrics-token-for-cardinality-0123";
    static final int WARM_UP_METHODS = 1_000;
    static final int METHODS = 10_000;
    /** Requests pipelined on one connection, so that 10,000 of them take seconds rather than a connection each. */
    static final int PER_CONNECTION = 100;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(PG, Map.of("METRICS_TOKEN", METRICS_TOKEN, "FEEDS_POLL_ENABLED", "false"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tenThousandMadeUpMethodNamesLeaveHeapAndMetricsFlat() {
        sendMadeUpMethods(0, WARM_UP_METHODS);
        metricsBody(); // the scrape's own series appears once it has been answered
        long heapBefore = heapAfterFullGc();
        String metricsBefore = metricsBody();

        sendMadeUpMethods(WARM_UP_METHODS, METHODS);
        long heapAfter = heapAfterFullGc();
        String metricsAfter = metricsBody();

        assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(16L * 1024 * 1024);
        assertThat(requestDurationLines(metricsAfter)).isEqualTo(requestDurationLines(metricsBefore));
        // JVM gauges change their values (and digits) between scrapes; 10,000 new series would add megabytes.
        assertThat(metricsAfter.length()).isLessThan(metricsBefore.length() + 8 * 1024);
        assertThat(metricsAfter).contains("method=\"OTHER\"").doesNotContain("M0");
    }

    private static void sendMadeUpMethods(int from, int to) {
        int port = server.uri("/").getPort();
        for (int start = from; start < to; start += PER_CONNECTION) {
            StringBuilder requests = new StringBuilder();
            int end = Math.min(to, start + PER_CONNECTION);
            for (int i = start; i < end; i++) {
                requests.append(String.format("M%05dX /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\n", i))
                        .append(i == end - 1 ? "Connection: close\r\n" : "")
                        .append("\r\n");
            }
            String answers = exchange(port, requests.toString());
            assertThat(answers.split("HTTP/1.1 405 ", -1)).as("405s from the batch at %d", start).hasSize(end - start + 1);
        }
    }

    private static String exchange(int port, String requests) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long requestDurationLines(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("http_server_request_duration_seconds")).count();
    }

    private static String metricsBody() {
        return server.send(HttpRequest.newBuilder(server.uri("/metrics")).header("Authorization", "Bearer " + METRICS_TOKEN)
                .GET().build()).body();
    }

    /** The smallest used heap over a few full collections: one collection may leave garbage that the next frees. */
    static long heapAfterFullGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
