package newsagg.http;

import java.util.List;
import java.util.Set;

import io.javalin.http.Context;

/**
 * Cross-origin access to the read API, for the exact origins in {@code CORS_ORIGINS} and nothing else. With no
 * origins configured it does nothing: no {@code Access-Control-*} header is ever sent and a preflight is a 405
 * like any other OPTIONS. Admin endpoints, health and metrics are never cross-origin: a browser page has no
 * business holding an admin token, and refusing the preflight keeps a compromised allowed origin from using one.
 */
final class Cors {

    /** The GET routes a browser page may read; their subpaths (an article, a source) are included. */
    static final List<String> READ_PATHS = List.of("/api/articles", "/api/sources", "/api/search", "/api/trending");
    static final String MAX_AGE_SECONDS = "600";

    private final Set<String> origins;

    Cors(List<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    boolean enabled() {
        return !origins.isEmpty();
    }

    /**
     * A before-handler: an allowed origin reading the API gets its origin back, and every read answer says it
     * varies by origin so that a shared cache never serves one origin's grant to another.
     */
    void before(Context ctx) {
        if (!isRead(ctx.req().getMethod(), ctx.path())) {
            return;
        }
        Conditional.addVary(ctx, "Origin");
        String origin = ctx.header("Origin");
        if (origin != null && origins.contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
        }
    }

    /**
     * The OPTIONS handler on read paths: grants a preflight for GET or HEAD from an allowed origin (204), and
     * refuses anything else with a 403 problem and no {@code Access-Control-*} header.
     */
    void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        String method = ctx.header("Access-Control-Request-Method");
        Conditional.addVary(ctx, "Origin");
        if (origin == null || !origins.contains(origin) || !("GET".equals(method) || "HEAD".equals(method))) {
            throw ApiException.corsRefused();
        }
        ctx.header("Access-Control-Allow-Origin", origin)
                .header("Access-Control-Allow-Methods", "GET, HEAD")
                .header("Access-Control-Max-Age", MAX_AGE_SECONDS)
                .status(204);
    }

    private static boolean isRead(String method, String path) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return false;
        }
        for (String prefix : READ_PATHS) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }
}
