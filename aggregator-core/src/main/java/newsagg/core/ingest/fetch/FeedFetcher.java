package newsagg.core.ingest.fetch;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.ZipException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one feed document over HTTP(S) within hard limits, in the manner of Miniflux's fetcher. It makes a
 * conditional GET ({@code If-None-Match}, {@code If-Modified-Since}), asks for gzip or deflate and decodes them
 * itself, follows up to {@link FetchSettings#maxRedirects()} redirects by hand so that every hop is validated, and
 * cuts the body off at {@link FetchSettings#maxBodyBytes()} (on the wire and again after decompression) and at the
 * {@link FetchSettings#totalTimeout()} deadline while streaming. Every problem becomes a {@link FetchResult.Failed}
 * with a short message; nothing is thrown for network or HTTP errors. Thread-safe: one instance (and its one
 * {@link HttpClient}) serves all sources.
 *
 * <p>Network policy. Only http and https; URLs with a user name or password are refused. Unless
 * {@link FetchSettings#allowPrivateNetworks()} is set, the host of the URL and of every redirect target is resolved
 * and refused if <em>any</em> of its addresses is loopback, private, link-local, CGNAT, multicast, reserved or
 * otherwise non-public (see {@link FeedUrls#isPublicAddress}); literal IPs are checked the same way. Redirects from
 * https to http are followed: only the real server can send them (a network attacker cannot forge a redirect inside
 * TLS), browsers follow them too, and feeds are public documents. No proxy is used, so the checked address is the one
 * connected to. Limitation: {@link HttpClient} resolves the host again when it connects, so a DNS server that answers
 * differently between the two lookups (DNS rebinding) could slip a private address past the check. The JVM's own
 * positive DNS cache ({@code networkaddress.cache.ttl}, 30 s by default) normally serves the second lookup from the
 * answer just checked, which narrows the window but does not close it; setting that property to 0 reopens it. Closing
 * it fully needs a custom resolver, which Java 17's HttpClient cannot take. DNS lookups themselves are not
 * interruptible and may outlast the total timeout by the system resolver's own timeout.
 *
 * <p>HTTP/2 is negotiated over TLS (ALPN); plain-http requests use HTTP/1.1 so that no h2c upgrade is attempted, which
 * some servers mishandle.
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
    private final AddressPolicy addressPolicy;
    private final HttpClient client;

    /** A fetcher with the given limits; its address policy follows {@link FetchSettings#allowPrivateNetworks()}. */
    public FeedFetcher(FetchSettings settings) {
        this(settings, settings.allowPrivateNetworks() ? AddressPolicy.allowAll() : AddressPolicy.publicOnly());
    }

    FeedFetcher(FetchSettings settings, AddressPolicy addressPolicy) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.addressPolicy = Objects.requireNonNull(addressPolicy, "addressPolicy");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .proxy(HttpClient.Builder.NO_PROXY)
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
        FetchResult result;
        try {
            result = fetchWithin(url, blankToNull(etag), blankToNull(lastModified), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = FetchResult.Failed.of("fetch interrupted");
        }
        if (result instanceof FetchResult.Failed failed) {
            LOG.debug("fetch {} failed: {}", FeedUrls.redacted(url.toString()), failed.message());
        }
        return result;
    }

    private FetchResult fetchWithin(URI url, String etag, String lastModified, long deadline)
            throws InterruptedException {
        String problem = FeedUrls.problem(url);
        if (problem != null) {
            return FetchResult.Failed.of("feed URL " + problem);
        }
        URI current = FeedUrls.normalize(url);
        for (int redirects = 0; ; redirects++) {
            try {
                Optional<String> refusal = addressPolicy.check(current.getHost());
                if (refusal.isPresent()) {
                    return FetchResult.Failed.of(refusal.get());
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return FetchResult.Failed.of(totalTimeoutMessage());
                }
                HttpResponse<InputStream> response = client.send(
                        request(current, etag, lastModified, Duration.ofNanos(remaining)),
                        info -> new BoundedBody(deadline, totalTimeoutMessage() + " while reading the response body",
                                settings.maxBodyBytes(), tooLargeMessage()));
                try (InputStream body = response.body()) {
                    int status = response.statusCode();
                    if (isRedirect(status)) {
                        if (redirects >= settings.maxRedirects()) {
                            return new FetchResult.Failed(
                                    "too many redirects (more than " + settings.maxRedirects() + ")", status, null);
                        }
                        Optional<String> location = response.headers().firstValue("Location");
                        if (location.isEmpty() || location.get().isBlank()) {
                            return new FetchResult.Failed(
                                    "HTTP " + status + " redirect without a Location header", status, null);
                        }
                        URI next = resolve(current, location.get().strip());
                        if (next == null) {
                            return new FetchResult.Failed("HTTP " + status + " redirect to an invalid location",
                                    status, null);
                        }
                        String hopProblem = FeedUrls.problem(next);
                        if (hopProblem != null) {
                            return new FetchResult.Failed("redirect target " + hopProblem, status, null);
                        }
                        current = FeedUrls.normalize(next);
                        continue;
                    }
                    return complete(current, response, body);
                }
            } catch (IOException e) {
                return FetchResult.Failed.of(describe(e, current));
            }
        }
    }

    private FetchResult complete(URI url, HttpResponse<InputStream> response, InputStream body) throws IOException {
        int status = response.statusCode();
        if (status == 304) {
            return new FetchResult.NotModified(url);
        }
        if (status >= 200 && status < 300) {
            byte[] bytes = readDecoded(response, body);
            return new FetchResult.Fetched(url, status, header(response, "Content-Type"), bytes,
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

    private byte[] readDecoded(HttpResponse<InputStream> response, InputStream body) throws IOException {
        long max = settings.maxBodyBytes();
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > max) {
            throw new FetchException(tooLargeMessage());
        }
        try (InputStream in = Decoding.decode(body, header(response, "Content-Encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    (int) Math.min(Math.max(declared, 8192), Math.min(max, 1 << 20)));
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
            return out.toByteArray();
        }
    }

    private HttpRequest request(URI url, String etag, String lastModified, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .GET()
                .timeout(timeout)
                .header("User-Agent", settings.userAgent())
                .header("Accept", ACCEPT)
                .header("Accept-Encoding", "gzip, deflate");
        if (url.getScheme().equals("http")) {
            b.version(HttpClient.Version.HTTP_1_1);
        }
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        if (lastModified != null) {
            b.header("If-Modified-Since", lastModified);
        }
        return b.build();
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

    private String describe(IOException e, URI url) {
        String host = url.getHost();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FetchException) {
                return t.getMessage();
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "host not found: " + host;
            }
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connection to " + host + " timed out after " + seconds(settings.connectTimeout());
        }
        if (e instanceof HttpTimeoutException) {
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
                && !detail.contains("java.") && !detail.contains("sun.");
        return "network error talking to " + host + (plain ? ": " + detail.toLowerCase(Locale.ROOT) : "");
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

    private static String header(HttpResponse<?> response, String name) {
        return blankToNull(response.headers().firstValue(name).orElse(null));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
