package newsagg.core.ingest.fetch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static newsagg.core.ingest.fetch.TestServer.redirect;
import static newsagg.core.ingest.fetch.TestServer.respond;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fetcher against a real loopback server, so private networks are allowed here (see FetchPolicyTest). */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FeedFetcherTest {

    private static final byte[] FEED = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>".getBytes(UTF_8);
    private static final FetchSettings LOOPBACK = FetchSettings.defaults().withAllowPrivateNetworks(true);

    private final TestServer server = new TestServer();
    private final FeedFetcher fetcher = new FeedFetcher(LOOPBACK);

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static FetchResult.Fetched fetched(FetchResult r) {
        assertThat(r).isInstanceOf(FetchResult.Fetched.class);
        return (FetchResult.Fetched) r;
    }

    private static FetchResult.Failed failed(FetchResult r) {
        assertThat(r).isInstanceOf(FetchResult.Failed.class);
        return (FetchResult.Failed) r;
    }

    @Test
    void returnsBodyContentTypeAndValidatorsOn200() {
        server.on("/feed", ex -> respond(ex, 200, Map.of("Content-Type", "application/rss+xml; charset=utf-8",
                "ETag", "\"v1\"", "Last-Modified", "Tue, 01 Apr 2025 10:00:00 GMT"), FEED));

        FetchResult.Fetched f = fetched(fetcher.fetch(server.uri("/feed"), null, null));

        assertThat(f.status()).isEqualTo(200);
        assertThat(f.finalUrl()).isEqualTo(server.uri("/feed"));
        assertThat(f.body()).isEqualTo(ByteBuffer.wrap(FEED));
        assertThat(f.contentType()).isEqualTo("application/rss+xml; charset=utf-8");
        assertThat(f.etag()).isEqualTo("\"v1\"");
        assertThat(f.lastModified()).isEqualTo("Tue, 01 Apr 2025 10:00:00 GMT");
    }

    @Test
    void sendsUserAgentAcceptEncodingAndNoValidatorsWhenNoneGiven() {
        server.on("/feed", ex -> respond(ex, 200, Map.of(), FEED));

        fetched(fetcher.fetch(server.uri("/feed"), null, ""));

        TestServer.Request req = server.requests().get(0);
        assertThat(req.headers().getFirst("User-Agent"))
                .matches("newsagg/[^ ]+ \\(\\+https://github\\.com/newsagg/newsagg\\)");
        assertThat(req.headers().getFirst("Accept-Encoding")).isEqualTo("gzip, deflate");
        assertThat(req.headers().containsKey("If-None-Match")).isFalse();
        assertThat(req.headers().containsKey("If-Modified-Since")).isFalse();
    }

    @Test
    void conditionalGetWithMatchingValidatorsIsNotModified() {
        String etag = "W/\"abc\"";
        String lastModified = "Wed, 02 Apr 2025 08:00:00 GMT";
        server.on("/feed", ex -> {
            boolean match = etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))
                    && lastModified.equals(ex.getRequestHeaders().getFirst("If-Modified-Since"));
            respond(ex, match ? 304 : 200, Map.of(), match ? new byte[0] : FEED);
        });

        FetchResult r = fetcher.fetch(server.uri("/feed"), etag, lastModified);

        assertThat(r).isEqualTo(new FetchResult.NotModified(server.uri("/feed")));
    }

    @Test
    void conditionalGetWithStaleValidatorsGetsTheBody() {
        server.on("/feed", ex -> {
            boolean match = "\"new\"".equals(ex.getRequestHeaders().getFirst("If-None-Match"));
            respond(ex, match ? 304 : 200, Map.of("ETag", "\"new\""), match ? new byte[0] : FEED);
        });

        FetchResult.Fetched f = fetched(fetcher.fetch(server.uri("/feed"), "\"old\"", null));

        assertThat(f.body()).isEqualTo(ByteBuffer.wrap(FEED));
        assertThat(f.etag()).isEqualTo("\"new\"");
        assertThat(server.requests().get(0).headers().getFirst("If-None-Match")).isEqualTo("\"old\"");
    }

    @Test
    void decodesGzipBody() {
        server.on("/feed", ex -> respond(ex, 200, Map.of("Content-Encoding", "gzip"), gzip(FEED)));

        assertThat(fetched(fetcher.fetch(server.uri("/feed"), null, null)).body()).isEqualTo(ByteBuffer.wrap(FEED));
    }

    @ParameterizedTest(name = "raw deflate: {0}")
    @ValueSource(booleans = {false, true})
    void decodesZlibWrappedAndRawDeflateBodies(boolean raw) {
        server.on("/feed", ex -> respond(ex, 200, Map.of("Content-Encoding", "deflate"), deflate(FEED, raw)));

        assertThat(fetched(fetcher.fetch(server.uri("/feed"), null, null)).body()).isEqualTo(ByteBuffer.wrap(FEED));
    }

    @Test
    void passesThroughPlainBytesMislabelledAsGzip() {
        server.on("/feed", ex -> respond(ex, 200, Map.of("Content-Encoding", "gzip"), FEED));

        assertThat(fetched(fetcher.fetch(server.uri("/feed"), null, null)).body()).isEqualTo(ByteBuffer.wrap(FEED));
    }

    @Test
    void corruptGzipFailsWithAShortMessage() {
        byte[] corrupt = gzip(FEED);
        corrupt[12] ^= 0x55;
        corrupt[13] ^= 0x55;
        server.on("/feed", ex -> respond(ex, 200, Map.of("Content-Encoding", "gzip"), corrupt));

        FetchResult.Failed f = failed(fetcher.fetch(server.uri("/feed"), null, null));

        assertThat(f.message()).isEqualTo("compressed response body is corrupt");
    }

    @Test
    void unsupportedContentEncodingFails() {
        server.on("/feed", ex -> respond(ex, 200, Map.of("Content-Encoding", "br"), FEED));

        assertThat(failed(fetcher.fetch(server.uri("/feed"), null, null)).message())
                .isEqualTo("unsupported Content-Encoding \"br\"");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void followsEachRedirectStatus(int status) {
        server.on("/old", redirect(status, server.uri("/feed").toString()));
        server.on("/feed", ex -> respond(ex, 200, Map.of(), FEED));

        FetchResult.Fetched f = fetched(fetcher.fetch(server.uri("/old"), null, null));

        assertThat(f.finalUrl()).isEqualTo(server.uri("/feed"));
        assertThat(f.body()).isEqualTo(ByteBuffer.wrap(FEED));
    }

    @Test
    void resolvesRelativeLocationsAgainstTheCurrentUrl() {
        server.on("/a/b/start", redirect(302, "../c/next"));
        server.on("/a/c/next", redirect(301, "/final.xml?x=1"));
        server.on("/final.xml", ex -> respond(ex, 200, Map.of(), FEED));

        FetchResult.Fetched f = fetched(fetcher.fetch(server.uri("/a/b/start"), null, null));

        assertThat(f.finalUrl()).isEqualTo(server.uri("/final.xml?x=1"));
        assertThat(server.requests()).extracting(TestServer.Request::path)
                .containsExactly("/a/b/start", "/a/c/next", "/final.xml");
    }

    @Test
    void followsAChainOfFiveRedirects() {
        chain(5);

        FetchResult.Fetched f = fetched(fetcher.fetch(server.uri("/r0"), null, null));

        assertThat(f.finalUrl()).isEqualTo(server.uri("/r5"));
    }

    @Test
    void sixRedirectsAreTooMany() {
        chain(6);

        FetchResult.Failed f = failed(fetcher.fetch(server.uri("/r0"), null, null));

        assertThat(f.message()).isEqualTo("too many redirects (more than 5)");
        assertThat(server.requests()).hasSize(6);
    }

    /** /r0 → /r1 → … → /rN, which serves the feed. */
    private void chain(int redirects) {
        for (int i = 0; i < redirects; i++) {
            server.on("/r" + i, redirect(302, "/r" + (i + 1)));
        }
        server.on("/r" + redirects, ex -> respond(ex, 200, Map.of(), FEED));
    }

    @Test
    void redirectWithoutLocationFails() {
        server.on("/old", ex -> respond(ex, 302, Map.of(), new byte[0]));

        FetchResult.Failed f = failed(fetcher.fetch(server.uri("/old"), null, null));

        assertThat(f.message()).isEqualTo("HTTP 302 redirect without a Location header");
        assertThat(f.status()).isEqualTo(302);
    }

    @Test
    void redirectToAnotherSchemeIsRefused() {
        server.on("/old", redirect(301, "file:///etc/passwd"));

        FetchResult.Failed f = failed(fetcher.fetch(server.uri("/old"), null, null));

        assertThat(f.message()).isEqualTo("redirect target scheme \"file\" is not allowed; use http or https");
    }

    @Test
    void slowBodyIsCutOffAtTheTotalDeadline() {
        server.on("/slow", ex -> {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            server.scheduler().scheduleAtFixedRate(() -> {
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException e) {
                    ex.close();
                    throw new UncheckedIOException(e);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
        });
        Duration total = Duration.ofMillis(1500);
        FeedFetcher impatient = new FeedFetcher(LOOPBACK.withTimeouts(Duration.ofSeconds(1), total));

        long start = System.nanoTime();
        FetchResult.Failed f = failed(impatient.fetch(server.uri("/slow"), null, null));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(f.message()).isEqualTo("timed out after 1.5 s while reading the response body");
        assertThat(took).isLessThan(total.plusSeconds(3));
    }

    @Test
    void endlessBodyIsCutOffAtTheCap() {
        byte[] chunk = new byte[64 * 1024];
        server.on("/endless", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                // Bounded so the handler ends even if the client never hung up.
                for (int i = 0; i < 16 * 1024; i++) {
                    out.write(chunk);
                }
            } catch (IOException clientHungUp) {
                ex.close();
            }
        });
        FeedFetcher capped = new FeedFetcher(LOOPBACK.withMaxBodyBytes(2 * 1024 * 1024));

        FetchResult.Failed f = failed(capped.fetch(server.uri("/endless"), null, null));

        assertThat(f.message()).isEqualTo("response body larger than 2 MiB");
    }

    @Test
    void declaredContentLengthAboveTheCapFailsWithoutWaitingForTheBody() {
        // Declares 10,000 bytes but sends 100 and stalls: only the Content-Length check can fail this before the deadline.
        server.on("/big", ex -> {
            ex.sendResponseHeaders(200, 10_000);
            ex.getResponseBody().write(new byte[100]);
            ex.getResponseBody().flush();
        });
        FeedFetcher capped = new FeedFetcher(LOOPBACK.withMaxBodyBytes(4096)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5)));

        assertThat(failed(capped.fetch(server.uri("/big"), null, null)).message())
                .isEqualTo("response body larger than 4 KiB");
    }

    @Test
    void bodyOfExactlyTheCapIsAcceptedAndOneByteMoreIsNot() {
        server.on("/exact", ex -> respond(ex, 200, Map.of("Content-Encoding", "gzip"), gzip(new byte[1000])));
        server.on("/over", ex -> respond(ex, 200, Map.of("Content-Encoding", "gzip"), gzip(new byte[1001])));
        FeedFetcher capped = new FeedFetcher(LOOPBACK.withMaxBodyBytes(1000));

        assertThat(fetched(capped.fetch(server.uri("/exact"), null, null)).body().remaining()).isEqualTo(1000);
        assertThat(failed(capped.fetch(server.uri("/over"), null, null)).message())
                .isEqualTo("response body larger than 1000 bytes");
    }

    @Test
    void gzipBombIsStoppedAtTheDecompressedCap() {
        byte[] bomb = gzip(new byte[64 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(1024 * 1024);
        server.on("/bomb", ex -> respond(ex, 200, Map.of("Content-Encoding", "gzip"), bomb));

        FetchResult.Failed f = failed(fetcher.fetch(server.uri("/bomb"), null, null));

        assertThat(f.message()).isEqualTo("response body larger than 15 MiB");
    }

    @Test
    void tooManyRequestsCarriesRetryAfterSeconds() {
        server.on("/feed", ex -> respond(ex, 429, Map.of("Retry-After", "120"), new byte[0]));

        FetchResult r = fetcher.fetch(server.uri("/feed"), null, null);

        assertThat(r).isEqualTo(new FetchResult.Failed("HTTP 429 Too Many Requests", 429, Duration.ofSeconds(120)));
    }

    @Test
    void tooManyRequestsCarriesRetryAfterHttpDate() {
        server.on("/feed", ex -> {
            String inAnHour = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
            respond(ex, 429, Map.of("Retry-After", inAnHour), new byte[0]);
        });

        FetchResult.Failed f = failed(fetcher.fetch(server.uri("/feed"), null, null));

        assertThat(f.status()).isEqualTo(429);
        assertThat(f.retryAfter()).isBetween(Duration.ofMinutes(58), Duration.ofMinutes(60));
    }

    @Test
    void serviceUnavailableCarriesRetryAfterWhenGiven() {
        server.on("/with", ex -> respond(ex, 503, Map.of("Retry-After", "7"), new byte[0]));
        server.on("/without", ex -> respond(ex, 503, Map.of(), new byte[0]));

        assertThat(fetcher.fetch(server.uri("/with"), null, null))
                .isEqualTo(new FetchResult.Failed("HTTP 503 Service Unavailable", 503, Duration.ofSeconds(7)));
        assertThat(fetcher.fetch(server.uri("/without"), null, null))
                .isEqualTo(new FetchResult.Failed("HTTP 503 Service Unavailable", 503, null));
    }

    @Test
    void serverErrorAndNotFoundFailWithStatusAndNoRetryAfter() {
        server.on("/boom", ex -> respond(ex, 500, Map.of("Retry-After", "60"), "oops".getBytes(UTF_8)));

        assertThat(fetcher.fetch(server.uri("/boom"), null, null))
                .isEqualTo(new FetchResult.Failed("HTTP 500 Internal Server Error", 500, null));
        assertThat(fetcher.fetch(server.uri("/missing"), null, null))
                .isEqualTo(new FetchResult.Failed("HTTP 404 Not Found", 404, null));
    }

    @Test
    void connectionRefusedFailsWithAHumanMessage() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }

        FetchResult.Failed f = failed(fetcher.fetch(URI.create("http://127.0.0.1:" + closedPort + "/feed"), null, null));

        assertThat(f.message()).isEqualTo(
                "could not connect to 127.0.0.1:" + closedPort + " (connection refused or unreachable)");
        assertThat(f.status()).isNull();
        assertThat(f.message()).doesNotContain("Exception");
    }

    @Test
    void nonHttpSchemesAreRejectedWithoutAnyRequest() {
        assertThat(failed(fetcher.fetch(URI.create("ftp://127.0.0.1:" + server.port() + "/feed"), null, null))
                .message()).isEqualTo("feed URL scheme \"ftp\" is not allowed; use http or https");
        assertThat(failed(fetcher.fetch(URI.create("file:///etc/passwd"), null, null)).message())
                .isEqualTo("feed URL scheme \"file\" is not allowed; use http or https");
        assertThat(failed(fetcher.fetch(URI.create("javascript:alert(1)"), null, null)).message())
                .isEqualTo("feed URL scheme \"javascript\" is not allowed; use http or https");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void userInfoInTheUrlIsRejected() {
        URI withCredentials = URI.create("http://user:secret@127.0.0.1:" + server.port() + "/feed");

        assertThat(failed(fetcher.fetch(withCredentials, null, null)).message())
                .isEqualTo("feed URL must not contain a user name or password");
        assertThat(server.requests()).isEmpty();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] deflate(byte[] data, boolean raw) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, deflater)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }
}
