package newsagg.core.ingest.fetch;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and identity of a {@link FeedFetcher}: how long it may wait, how much it may read, how many redirects it
 * follows, whether it may reach private networks, and the {@code User-Agent} it sends. Validated on construction; an
 * invalid value is rejected with a message naming the setting.
 *
 * @param connectTimeout       time allowed to open a TCP (and TLS) connection
 * @param totalTimeout         time allowed for the whole fetch: DNS checks, every redirect hop and the whole body
 * @param maxBodyBytes         cap on the body, applied to the bytes on the wire and again to the decompressed bytes
 * @param maxRedirects         redirects followed before giving up; 0 means none are followed
 * @param allowPrivateNetworks when true, loopback, private and other non-public addresses may be fetched
 * @param userAgent            the {@code User-Agent} header
 */
public record FetchSettings(Duration connectTimeout, Duration totalTimeout, long maxBodyBytes, int maxRedirects,
                            boolean allowPrivateNetworks, String userAgent) {

    /** The project's home page, named in the default {@code User-Agent} so that feed owners can find us. */
    static final String PROJECT_URL = "https://github.com/newsagg/newsagg";

    /** Used when the jar's manifest carries no {@code Implementation-Version} (e.g. when run from classes). */
    static final String FALLBACK_VERSION = "0.1.0";

    public FetchSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(totalTimeout, "totalTimeout");
        Objects.requireNonNull(userAgent, "userAgent");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
        }
        if (totalTimeout.isNegative() || totalTimeout.isZero()) {
            throw new IllegalArgumentException("totalTimeout must be positive, was " + totalTimeout);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        if (maxRedirects < 0 || maxRedirects > 20) {
            throw new IllegalArgumentException("maxRedirects must be between 0 and 20, was " + maxRedirects);
        }
        if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("userAgent must be non-blank printable text");
        }
    }

    /**
     * Defaults in the spirit of Miniflux: 10 s to connect, 30 s in total, 15 MiB of body, 5 redirects, private
     * networks blocked, and the {@link #defaultUserAgent() default User-Agent}.
     */
    public static FetchSettings defaults() {
        return new FetchSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), 15L * 1024 * 1024, 5, false,
                defaultUserAgent());
    }

    /** A copy of these settings with {@code allowPrivateNetworks} replaced. */
    public FetchSettings withAllowPrivateNetworks(boolean allow) {
        return new FetchSettings(connectTimeout, totalTimeout, maxBodyBytes, maxRedirects, allow, userAgent);
    }

    /** A copy of these settings with the two timeouts replaced. */
    public FetchSettings withTimeouts(Duration connect, Duration total) {
        return new FetchSettings(connect, total, maxBodyBytes, maxRedirects, allowPrivateNetworks, userAgent);
    }

    /** A copy of these settings with {@code maxBodyBytes} replaced. */
    FetchSettings withMaxBodyBytes(long max) {
        return new FetchSettings(connectTimeout, totalTimeout, max, maxRedirects, allowPrivateNetworks, userAgent);
    }

    /**
     * {@code newsagg/VERSION (+https://github.com/newsagg/newsagg)}, where VERSION is the package's
     * {@code Implementation-Version} when the jar manifest has one, else {@value #FALLBACK_VERSION}.
     */
    static String defaultUserAgent() {
        String version = FetchSettings.class.getPackage().getImplementationVersion();
        if (version == null || version.isBlank()) {
            version = FALLBACK_VERSION;
        }
        return "newsagg/" + version + " (+" + PROJECT_URL + ")";
    }
}
