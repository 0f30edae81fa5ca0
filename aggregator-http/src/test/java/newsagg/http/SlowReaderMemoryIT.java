package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.domain.Source;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that ask for a big article and never read the answer must not hold the server's memory: 500 of them
 * request a 1 MiB article (the largest {@code content_html} ingestion stores) over sockets with a tiny receive
 * window. The server runs in this JVM, so its heap after a full GC is measured while they hang. The bound comes
 * from the stored-size limit: with an 8 MiB article the same run grew the heap by about 900 MB (docs/RELIABILITY.md).
 */
class SlowReaderMemoryIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    static final int CLIENTS = 500;
    static final int CONTENT_BYTES = 1024 * 1024;
    /** Measured at 49 MB (answers being built); a 1 MiB copy held per client would be 500 MiB. */
    static final long MAX_GROWTH_BYTES = 128L * 1024 * 1024;

    static TestServer server;
    static long articleId;

    @BeforeAll
    static void start() {
        server = TestServer.start(PG, Map.of("FEEDS_POLL_ENABLED", "false"));
        NewsCore core = NewsCore.open(PG.dataSource());
        Source source = core.sources().create("https://big.example.org/feed", "Big", null);
        String html = "<p>" + "all work and no play ".repeat(CONTENT_BYTES / 21 + 1).substring(0, CONTENT_BYTES - 7) + "</p>";
        Instant now = Instant.now();
        core.articles().upsert(source.id(), List.of(new NewArticle("big", "big", "https://big.example.org/1", "Big article",
                "Summary", html, null, now, now, List.of())));
        articleId = TestServer.json(server.get("/api/articles")).get("items").get(0).get("id").asLong();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fiveHundredClientsThatNeverReadABigArticleDoNotMoveTheHeap() throws IOException {
        assertThat(server.get("/api/articles/" + articleId).body().length()).isGreaterThan(CONTENT_BYTES);
        long before = MetricCardinalityIT.heapAfterFullGc();
        List<Socket> clients = new ArrayList<>();
        try {
            byte[] request = ("GET /api/articles/" + articleId + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < CLIENTS; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(1024);
                socket.connect(new InetSocketAddress("127.0.0.1", server.uri("/").getPort()), 5_000);
                socket.getOutputStream().write(request);
                clients.add(socket);
            }
            long peak = peakHeapGrowth(before, Duration.ofSeconds(10));

            assertThat(peak).as("heap growth in bytes with %d clients hanging", CLIENTS).isLessThan(MAX_GROWTH_BYTES);
        } finally {
            for (Socket socket : clients) {
                closeQuietly(socket);
            }
        }
        assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
    }

    /** The largest growth over full GCs until the deadline: the server takes a while to reach every client. */
    private static long peakHeapGrowth(long before, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        long peak = 0;
        while (System.nanoTime() < deadline) {
            peak = Math.max(peak, MetricCardinalityIT.heapAfterFullGc() - before);
        }
        return peak;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
