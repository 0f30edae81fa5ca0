package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import newsagg.core.testing.Poll;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A graceful stop as a client on a kept-alive connection sees it (fault run 3 of issue #8): a request that arrives
 * after the stop began is refused with a complete 503 problem that says to retry, never Jetty's HTML page.
 */
class GracefulStopIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aRequestArrivingDuringTheStopIsRefusedWithAProblem() throws Exception {
        TestServer server = TestServer.start(PG, Map.of("FEEDS_POLL_ENABLED", "false"));
        int port = server.uri("/").getPort();
        CompletableFuture<Void> stopped;
        try (Socket kept = new Socket("127.0.0.1", port)) {
            kept.setSoTimeout(10_000);
            String first = exchange(kept, "/health/live");
            assertThat(first).startsWith("HTTP/1.1 200");

            // The open connection keeps the stop waiting (for its shutdown idle timeout); new connections are
            // refused as soon as the stop began.
            stopped = CompletableFuture.runAsync(server::close);
            assertThat(Poll.until(() -> refuses(port), refused -> refused, Duration.ofSeconds(5)))
                    .as("the server stops accepting connections").isTrue();
            String refused = exchange(kept, "/api/sources");

            assertThat(refused).startsWith("HTTP/1.1 503");
            assertThat(header(refused, "content-type")).isEqualTo(Problem.CONTENT_TYPE);
            assertThat(header(refused, "retry-after")).isEqualTo("5");
            JsonNode problem = MAPPER.readTree(refused.substring(refused.indexOf("\r\n\r\n") + 4));
            assertThat(problem.get("status").asInt()).isEqualTo(503);
            assertThat(problem.get("type").asText()).isEqualTo("urn:newsagg:problem:unavailable");
        }
        stopped.get();
    }

    private static boolean refuses(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Sends a GET on the connection and reads one whole response, whose body has a Content-Length. */
    private static String exchange(Socket socket, String path) {
        try {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int end = -1;
            while (end < 0) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed after " + bytes.size() + " bytes: " + bytes);
                }
                bytes.write(b);
                end = bytes.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
            }
            String head = bytes.toString(StandardCharsets.ISO_8859_1);
            int length = Integer.parseInt(header(head, "content-length"));
            bytes.write(in.readNBytes(length));
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String header(String response, String name) {
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
