package newsagg.core.ingest.fetch;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one feed document over HTTP(S) within hard limits, in the manner of Miniflux's fetcher. It makes a
 * conditional GET ({@code If-None-Match}, {@code If-Modified-Since}), asks for gzip or deflate and decodes them
 * itself, follows up to {@link FetchSettings#maxRedirects()} redirects by hand so that every hop is validated, and
 * cuts the body off at {@link FetchSettings#maxBodyBytes()} (on the wire and again after decompression) and at the
 * {@link FetchSettings#totalTimeout()} deadline while streaming. Every problem becomes a {@link FetchResult.Failed}
 * with a short message; nothing is thrown for network or HTTP errors. Thread-safe: one instance (and its one
 * HTTP client) serves all sources.
 *
 * <p>Network policy. Only http and https; URLs with a user name or password are refused. Unless
 * {@link FetchSettings#allowPrivateNetworks()} is set, a host (of the URL and of every redirect target) is refused if
 * <em>any</em> of its addresses is loopback, private, link-local, CGNAT, multicast, reserved or otherwise non-public
 * (see {@link FeedUrls#isPublicAddress}); literal IPs are checked the same way. The check is the client's only name
 * lookup ({@link AddressPolicy} is its {@code DnsResolver}), so the connection goes to an address that passed it, never
 * to the answer of a second lookup (DNS rebinding). Redirects from https to http are followed: only the real server
 * can send them (a network attacker cannot forge a redirect inside TLS), browsers follow them too, and feeds are
 * public documents. No proxy is used, and no connection is kept for a later fetch. DNS lookups themselves are not
 * interruptible and may outlast the total timeout by the system resolver's own timeout.
 *
 * <p>Apache HttpClient 5's classic (blocking) client speaks HTTP/1.1 only; feeds do not need HTTP/2. Socket reads are
 * not interruptible: an interrupted fetch stops at its next read, and a blocked read at the deadline.
 */
public final class FeedFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(FeedFetcher.class);

    private static final String ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, "
            + "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
            Map.entry(408, "Request Timeout"), Map.entry(410, "Gone"), Map.entry(429, "Too Many Requests"),
            Map.entry(451, "Unavailable For Legal Reasons"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"));

    private final FetchSettings settings;
    private final CloseableHttpClient client;

    /** A fetcher with the given limits; its address policy follows {@link FetchSettings#allowPrivateNetworks()}. */
    public FeedFetcher(FetchSettings settings) {
        this(settings, settings.allowPrivateNetworks() ? AddressPolicy.allowAll() : AddressPolicy.publicOnly());
    }

    FeedFetcher(FetchSettings settings, AddressPolicy addressPolicy) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(addressPolicy, "addressPolicy");
        // No limit on connections, as with the JDK client before: each fetch holds one for its caller's thread only.
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(addressPolicy)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                                .build())
                        .setMaxConnTotal(Integer.MAX_VALUE)
                        .setMaxConnPerRoute(Integer.MAX_VALUE)
                        .build())
                // Feeds are many hosts fetched minutes apart: an idle connection kept open would only hold a socket.
                .setConnectionReuseStrategy((request, response, context) -> false)
                // Redirects are followed by hand (each hop checked); a 429 or 503 goes back to the poller's backoff.
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableConnectionState()
                .build();
    }

    /**
     * Fetches {@code url}, conditionally when validators are given.
     *
     * @param url          the feed URL; http or https
     * @param etag         the {@code ETag} from the last fetch, sent as {@code If-None-Match}; may be null
     * @param lastModified the {@code Last-Modified} from the last fetch, sent as {@code If-Modified-Since}; may be null
     * @return the body, a not-modified marker, or a failure; never null
     */
    public FetchResult fetch(URI url, String etag, String lastModified) {
        Objects.requireNonNull(url, "url");
        long deadline = System.nanoTime() + settings.totalTimeout().toNanos();
        FetchResult result = fetchWithin(url, blankToNull(etag), blankToNull(lastModified), deadline);
        if (result instanceof FetchResult.Failed failed) {
            LOG.debug("fetch {} failed: {}", FeedUrls.redacted(url.toString()), failed.message());
        }
        return result;
    }

    private FetchResult fetchWithin(URI url, String etag, String lastModified, long deadline) {
        String problem = FeedUrls.problem(url);
        if (problem != null) {
            return FetchResult.Failed.of("feed URL " + problem);
        }
        URI current = FeedUrls.normalize(url);
        for (int redirects = 0; ; redirects++) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return FetchResult.Failed.of(totalTimeoutMessage());
            }
            HttpGet request = request(current, etag, lastModified, remaining);
            // The response timeout bounds each read; this bounds the whole exchange, a trickling body included.
            CompletableFuture<Void> abort = CompletableFuture.runAsync(request::cancel,
                    CompletableFuture.delayedExecutor(remaining, TimeUnit.NANOSECONDS));
            ClassicHttpResponse response = null;
            try {
                response = client.executeOpen(null, request, null);
                int status = response.getCode();
                if (!isRedirect(status)) {
                    return complete(current, response, deadline);
                }
                if (redirects >= settings.maxRedirects()) {
                    return new FetchResult.Failed(
                            "too many redirects (more than " + settings.maxRedirects() + ")", status, null);
                }
                String location = header(response, "Location");
                if (location == null) {
                    return new FetchResult.Failed(
                            "HTTP " + status + " redirect without a Location header", status, null);
                }
                URI next = resolve(current, location.strip());
                if (next == null) {
                    return new FetchResult.Failed("HTTP " + status + " redirect to an invalid location",
                            status, null);
                }
                String hopProblem = FeedUrls.problem(next);
                if (hopProblem != null) {
                    return new FetchResult.Failed("redirect target " + hopProblem, status, null);
                }
                current = FeedUrls.normalize(next);
            } catch (IOException e) {
                return FetchResult.Failed.of(describe(e, current, deadline));
            } finally {
                abort.cancel(false);
                // Drops the connection unless the body was read to its end: closing would otherwise drain the rest.
                request.cancel();
                closeQuietly(response);
            }
        }
    }

    private FetchResult complete(URI url, ClassicHttpResponse response, long deadline) throws IOException {
        int status = response.getCode();
        if (status == 304) {
            return new FetchResult.NotModified(url);
        }
        if (status >= 200 && status < 300) {
            ByteBuffer body = readDecoded(response, deadline);
            return new FetchResult.Fetched(url, status, header(response, "Content-Type"), body,
                    header(response, "ETag"), header(response, "Last-Modified"));
        }
        String message = REASONS.containsKey(status)
                ? "HTTP " + status + " " + REASONS.get(status)
                : status >= 400 ? "HTTP " + status : "unexpected HTTP status " + status;
        Duration retryAfter = status == 429 || status == 503
                ? RetryAfter.parse(header(response, "Retry-After"), Instant.now())
                : null;
        return new FetchResult.Failed(message, status, retryAfter);
    }

    /** The decoded body, in the buffer it was read into: the parser reads that buffer, not a copy of it. */
    private ByteBuffer readDecoded(ClassicHttpResponse response, long deadline) throws IOException {
        long max = settings.maxBodyBytes();
        long declared = declaredLength(response);
        if (declared > max) {
            throw new FetchException(tooLargeMessage());
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return ByteBuffer.allocate(0);
        }
        InputStream wire = new BoundedBody(entity.getContent(), deadline,
                totalTimeoutMessage() + " while reading the response body", max, tooLargeMessage());
        try (InputStream in = Decoding.decode(wire, header(response, "Content-Encoding"))) {
            BodyBuffer out = new BodyBuffer((int) Math.min(Math.max(declared, 8192), Math.min(max, 1 << 20)));
            byte[] chunk = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(chunk)) != -1) {
                total += n;
                if (total > max) {
                    throw new FetchException(tooLargeMessage());
                }
                out.write(chunk, 0, n);
            }
            return out.view();
        }
    }

    /** A growing buffer whose bytes are handed on as they lie, where {@code toByteArray} would copy them. */
    private static final class BodyBuffer extends ByteArrayOutputStream {

        BodyBuffer(int initialCapacity) {
            super(initialCapacity);
        }

        ByteBuffer view() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    private static long declaredLength(ClassicHttpResponse response) {
        String value = header(response, "Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private HttpGet request(URI url, String etag, String lastModified, long remainingNanos) {
        HttpGet get = new HttpGet(url);
        // Rounded up so that a read never times out before the deadline it stands for.
        Timeout timeLeft = Timeout.ofMilliseconds(TimeUnit.NANOSECONDS.toMillis(remainingNanos) + 1);
        get.setConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(timeLeft)
                .setResponseTimeout(timeLeft)
                .setRedirectsEnabled(false)
                .setProtocolUpgradeEnabled(false)
                .build());
        get.setHeader("User-Agent", settings.userAgent());
        get.setHeader("Accept", ACCEPT);
        get.setHeader("Accept-Encoding", "gzip, deflate");
        if (etag != null) {
            get.setHeader("If-None-Match", etag);
        }
        if (lastModified != null) {
            get.setHeader("If-Modified-Since", lastModified);
        }
        return get;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI resolve(URI base, String location) {
        try {
            return base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private String describe(IOException e, URI url, long deadline) {
        String host = url.getHost();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FetchException || t instanceof AddressPolicy.Refused) {
                return t.getMessage();
            }
            if (t instanceof UnknownHostException) {
                return "host not found: " + host;
            }
        }
        if (e instanceof ConnectTimeoutException) {
            return "connection to " + host + " timed out after " + seconds(settings.connectTimeout());
        }
        if (Thread.currentThread().isInterrupted()) {
            return "fetch interrupted";
        }
        if (e instanceof SocketTimeoutException || System.nanoTime() - deadline >= 0) {
            return totalTimeoutMessage();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "could not connect to " + host + port(url) + " (connection refused or unreachable)";
            }
            if (t instanceof SSLHandshakeException) {
                return "TLS handshake with " + host + " failed"
                        + (String.valueOf(t.getMessage()).contains("certif") ? " (certificate not trusted)" : "");
            }
            if (t instanceof SSLException) {
                return "TLS error talking to " + host;
            }
            if (t instanceof ZipException) {
                return "compressed response body is corrupt";
            }
            if (t instanceof EOFException) {
                return "connection to " + host + " closed before the response was complete";
            }
        }
        String detail = e.getMessage();
        boolean plain = detail != null && detail.length() <= 120 && !detail.contains("Exception")
                && !detail.contains("java.") && !detail.contains("sun.") && !detail.contains("org.");
        return "network error talking to " + host + (plain ? ": " + detail.toLowerCase(Locale.ROOT) : "");
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response == null) {
            return;
        }
        try {
            response.close();
        } catch (IOException alreadyAborted) {
            // The connection was dropped on purpose just before; nothing is left to release.
        }
    }

    private static String port(URI url) {
        return url.getPort() == -1 ? "" : ":" + url.getPort();
    }

    private String totalTimeoutMessage() {
        return "timed out after " + seconds(settings.totalTimeout());
    }

    private String tooLargeMessage() {
        return "response body larger than " + bytes(settings.maxBodyBytes());
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0
                ? d.toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String bytes(long n) {
        if (n % (1024 * 1024) == 0) {
            return n / (1024 * 1024) + " MiB";
        }
        if (n % 1024 == 0) {
            return n / 1024 + " KiB";
        }
        return n + " bytes";
    }

    private static String header(ClassicHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? null : blankToNull(h.getValue());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A fetch stopped by one of our own rules (a limit, a deadline, a bad encoding); its message is for people. */
    static final class FetchException extends IOException {
        private static final long serialVersionUID = 1L;

        FetchException(String message) {
            super(message);
        }
    }
}
