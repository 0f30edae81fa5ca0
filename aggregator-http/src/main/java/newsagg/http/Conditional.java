package newsagg.http;

import java.util.Enumeration;

import io.javalin.http.Context;

/**
 * Caching headers and conditional GET (RFC 9110 §13, RFC 9111). Every answer starts out {@code no-store} and
 * varying by {@code Accept-Encoding} ({@link #before}): Javalin gzips any body of 1,500 bytes or more when the
 * client accepts it, whatever the route or status, and an error or a health answer must never be reused. A read
 * answer ({@link #write}) replaces that with its entity tag and {@code no-cache}: every answer can change the
 * moment ingestion stores an article (the response caches keep an answer until that invalidates it), so no
 * freshness lifetime would be honest, and a client or shared cache revalidates each reuse, which a matching
 * {@code If-None-Match} answers with a 304 and no body.
 */
final class Conditional {

    static final String READ_CACHE_CONTROL = "no-cache";
    static final String DEFAULT_CACHE_CONTROL = "no-store";

    private Conditional() {
    }

    /** A before-handler for every request. */
    static void before(Context ctx) {
        ctx.header("Cache-Control", DEFAULT_CACHE_CONTROL);
        addVary(ctx, "Accept-Encoding");
    }

    /**
     * Writes a 200 with the representation, or a 304 without a body when an {@code If-None-Match} of the
     * request matches its tag. Both carry {@code ETag}, {@code Cache-Control} and {@code Vary}, as §15.4.5 asks.
     */
    static void write(Context ctx, Representation representation) {
        ctx.header("ETag", representation.etag()).header("Cache-Control", READ_CACHE_CONTROL);
        if (matchesAny(ctx.req().getHeaders("If-None-Match"), representation.etag())) {
            // Javalin sets text/plain on every response up front; a 304 describes no body, so it carries no type.
            ctx.res().setContentType(null);
            ctx.status(304);
            return;
        }
        ctx.contentType("application/json").result(representation.body());
    }

    /** Adds {@code field} to the response's {@code Vary} unless it is there already. */
    static void addVary(Context ctx, String field) {
        String vary = ctx.res().getHeader("Vary");
        if (vary == null || vary.isBlank()) {
            ctx.header("Vary", field);
        } else if (!containsToken(vary, field)) {
            ctx.header("Vary", vary + ", " + field);
        }
    }

    private static boolean matchesAny(Enumeration<String> fields, String etag) {
        while (fields != null && fields.hasMoreElements()) {
            if (matches(fields.nextElement(), etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether one {@code If-None-Match} field value ({@code *}, or a list of entity tags) matches {@code etag}
     * under the weak comparison that §13.1.2 prescribes for it: {@code W/"x"} matches {@code "x"}. A list that
     * stops parsing (a tag without quotes) matches nothing from there on, so a garbled header gets a full 200.
     */
    static boolean matches(String field, String etag) {
        int n = field.length();
        int i = 0;
        while (i < n) {
            char c = field.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (c == '*') {
                return true;
            }
            if (field.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= n || field.charAt(i) != '"') {
                return false;
            }
            int end = field.indexOf('"', i + 1);
            if (end < 0) {
                return false;
            }
            if (end + 1 - i == etag.length() && field.regionMatches(i, etag, 0, etag.length())) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static boolean containsToken(String list, String token) {
        for (String part : list.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
