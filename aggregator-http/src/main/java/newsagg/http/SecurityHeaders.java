package newsagg.http;

import java.util.function.BiConsumer;

/**
 * The headers every response carries, whoever writes it (a route, an error mapper or Jetty itself). The API
 * serves no HTML, so nothing it returns may be sniffed, framed, allowed to load anything or leak a referrer.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(BiConsumer<String, String> header) {
        header.accept("X-Content-Type-Options", "nosniff");
        header.accept("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        header.accept("Referrer-Policy", "no-referrer");
    }
}
