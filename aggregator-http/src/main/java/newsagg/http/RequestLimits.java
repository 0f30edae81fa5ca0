package newsagg.http;

import io.javalin.http.Context;

/**
 * The request size limits, checked as early as possible and before anything reads a body. Jetty enforces the
 * header block and request line ({@link #MAX_HEADER_BYTES}, answered by {@link JettyErrors}); Javalin enforces
 * the body while it is read, chunked or not ({@link #MAX_BODY_BYTES}); {@link #check} refuses a declared
 * {@code Content-Length} over the cap and a query string over {@link #MAX_QUERY_CHARS} before a handler runs.
 */
final class RequestLimits {

    /** The largest request body (an OPML import is the largest legitimate one, typically a few kB). */
    static final int MAX_BODY_BYTES = 1_000_000;
    /** The request line plus all headers; Jetty answers 414 or 431 beyond it. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** No endpoint needs more: a search is at most 200 characters and a cursor well under 200. */
    static final int MAX_QUERY_CHARS = 4 * 1024;

    private RequestLimits() {
    }

    static void check(Context ctx) {
        String query = ctx.queryString();
        if (query != null && query.length() > MAX_QUERY_CHARS) {
            throw ApiException.uriTooLong("the query string is longer than " + MAX_QUERY_CHARS + " characters");
        }
        if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) {
            throw ApiException.payloadTooLarge();
        }
    }
}
