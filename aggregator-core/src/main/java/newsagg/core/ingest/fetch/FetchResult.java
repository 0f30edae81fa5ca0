package newsagg.core.ingest.fetch;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one {@link FeedFetcher#fetch} call: the feed's bytes ({@link Fetched}), a conditional-GET hit
 * ({@link NotModified}), or a failure with a short human-readable message ({@link Failed}). A fetch never throws for
 * network or HTTP problems; they all end up here.
 */
public sealed interface FetchResult {

    /**
     * A 2xx response whose body was read in full, within the limits, and decoded from any {@code Content-Encoding}.
     * The body is the fetcher's own buffer, handed on as a read-only view and never copied (a feed may be 15 MiB):
     * nothing can change it through this record, and each {@link #body()} call is a fresh view positioned at the
     * start.
     *
     * @param finalUrl     the URL after redirects, which relative links in the feed resolve against
     * @param status       the HTTP status, normally 200
     * @param contentType  the {@code Content-Type} header, or null when the server sent none
     * @param body         the decoded (decompressed) body, from its position to its limit
     * @param etag         the {@code ETag} header to send back next time, or null
     * @param lastModified the {@code Last-Modified} header to send back next time, or null
     */
    record Fetched(URI finalUrl, int status, String contentType, ByteBuffer body, String etag, String lastModified)
            implements FetchResult {
        public Fetched {
            Objects.requireNonNull(finalUrl, "finalUrl");
            body = Objects.requireNonNull(body, "body").slice().asReadOnlyBuffer();
        }

        @Override
        public ByteBuffer body() {
            return body.duplicate();
        }

        @Override
        public String toString() {
            return "Fetched[finalUrl=" + finalUrl + ", status=" + status + ", contentType=" + contentType
                    + ", body=" + body.remaining() + " bytes, etag=" + etag + ", lastModified=" + lastModified + "]";
        }
    }

    /**
     * The server answered 304 to the conditional GET: the feed has not changed since the validators were issued.
     *
     * @param finalUrl the URL after redirects
     */
    record NotModified(URI finalUrl) implements FetchResult {
        public NotModified {
            Objects.requireNonNull(finalUrl, "finalUrl");
        }
    }

    /**
     * The fetch failed. The message is short and meant for people (it ends up in the source's {@code lastError}); it
     * never carries a stack trace or an exception class name.
     *
     * @param message    what went wrong, e.g. {@code "HTTP 404 Not Found"} or {@code "too many redirects (more than 5)"}
     * @param status     the HTTP status when the server answered, else null
     * @param retryAfter the server's {@code Retry-After} on 429 or 503, capped at 24 hours, else null
     */
    record Failed(String message, Integer status, Duration retryAfter) implements FetchResult {
        public Failed {
            Objects.requireNonNull(message, "message");
            if (retryAfter != null && retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
            }
        }

        static Failed of(String message) {
            return new Failed(message, null, null);
        }
    }
}
