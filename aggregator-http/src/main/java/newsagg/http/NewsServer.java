package newsagg.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import newsagg.core.query.NewsQueries.InvalidCursorException;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server, and only that: every route in one place ({@link #routes}), errors as RFC 9457 problems of a
 * {@link ProblemType}, and a graceful stop that lets in-flight requests finish within {@link #STOP_TIMEOUT}. It
 * builds nothing it serves with: {@link Main} hands it its {@link Parts}, and closes what they hold after
 * {@link #stop()}.
 */
final class NewsServer {

    private static final Logger LOG = LoggerFactory.getLogger(NewsServer.class);

    /** How long a stop waits for in-flight requests. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String PROBLEM_WRITTEN = "newsagg.problem";

    /**
     * What the routes hand their work to, each built by {@link Main}.
     *
     * @param metricsToken  guards {@code /metrics} and {@code /debug/*}; null leaves them open
     * @param clientAddress who a request is from, for logs and the admin lockout
     */
    record Parts(Json json, ReadHandlers reads, AdminHandlers admin, Health health, Metrics metrics,
                 RequestTiming timing, RouteLatencies latencies, TokenCheck metricsToken, Cors cors,
                 ClientAddress clientAddress) {
    }

    private final Config config;
    private final Json json;
    private final ReadHandlers reads;
    private final AdminHandlers admin;
    private final Health health;
    private final Metrics metrics;
    private final RequestTiming timing;
    private final RouteLatencies latencies;
    private final TokenCheck metricsToken;
    private final Cors cors;
    private final ClientAddress clientAddress;
    private final Javalin app;
    private final RateLimitedLog unavailableLog = new RateLimitedLog(LOG, "database unavailable", Duration.ofSeconds(10));

    /** Declares the routes; nothing listens until {@link #start}. */
    NewsServer(Config config, Parts parts) {
        this.config = config;
        this.json = parts.json();
        this.reads = parts.reads();
        this.admin = parts.admin();
        this.health = parts.health();
        this.metrics = parts.metrics();
        this.timing = parts.timing();
        this.latencies = parts.latencies();
        this.metricsToken = parts.metricsToken();
        this.cors = parts.cors();
        this.clientAddress = parts.clientAddress();
        this.app = Javalin.create(this::configure);
    }

    /** Starts serving on {@code listenAddress} and {@code port} (0 picks a free port). */
    void start(String listenAddress, int port) {
        app.start(listenAddress, port);
        LOG.info("newsagg listening on port {}", port());
    }

    public int port() {
        return app.port();
    }

    private void configure(JavalinConfig javalin) {
        javalin.startup.showJavalinBanner = false;
        javalin.startup.showOldJavalinVersionWarning = false;
        javalin.http.prefer405over404 = true;
        javalin.http.maxRequestSize = RequestLimits.MAX_BODY_BYTES;
        javalin.concurrency.useVirtualThreads = config.virtualThreads();
        javalin.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(RequestLimits.MAX_HEADER_BYTES);
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
        });
        javalin.jetty.modifyServer(server -> {
            server.setHandler(new GracefulHandler());
            server.setStopTimeout(STOP_TIMEOUT.toMillis());
            server.setErrorHandler(new JettyErrors(json));
        });
        routes(javalin.routes);
    }

    private void routes(RoutesConfig routes) {
        routes.before(clientAddress::before);
        routes.before(ctx -> SecurityHeaders.apply(ctx::header));
        routes.before(RequestLimits::check);
        routes.before(Conditional::before);
        if (cors.enabled()) {
            routes.before(cors::before);
            for (String path : List.of("/api/articles", "/api/articles/{id}", "/api/sources", "/api/sources/{id}",
                    "/api/search", "/api/trending")) {
                routes.options(path, cors::preflight);
            }
        }
        if (config.timingEnabled()) {
            routes.before(timing::before);
            routes.after(timing::after);
        }

        get(routes, "/api/articles", reads::articles);
        get(routes, "/api/articles/{id}", reads::article);
        get(routes, "/api/sources", reads::sources);
        get(routes, "/api/sources/{id}", reads::source);
        get(routes, "/api/search", reads::search);
        get(routes, "/api/trending", reads::trending);

        byte[] live = json.bytes(Map.of("status", "up"));
        Representation openApi = Representation.of(openApiDocument());
        get(routes, "/openapi.json", ctx -> Conditional.write(ctx, openApi));
        get(routes, "/health/live", ctx -> ctx.contentType("application/json").result(live));
        get(routes, "/health/ready", this::ready);

        routes.post("/api/sources", admin::createSource);
        routes.delete("/api/sources/{id}", admin::deleteSource);
        routes.post("/api/sources/{id}/refresh", admin::refresh);
        routes.post("/api/opml", admin::importOpml);
        get(routes, "/api/opml", admin::exportOpml);

        get(routes, "/metrics", this::metrics);
        get(routes, "/debug/timings", this::timings);
        routes.post("/debug/timings", this::resetTimings);
        if (config.debugMemorySources()) {
            get(routes, "/debug/memory/sources", ctx -> {
                requireMetricsToken(ctx);
                reads.memorySources(ctx);
            });
        }

        routes.exception(ApiException.class, (e, ctx) -> {
            if (e.retryAfterSeconds() > 0) {
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            problem(ctx, e.type(), e.getMessage());
        });
        routes.exception(InvalidCursorException.class, (e, ctx) ->
                problem(ctx, ProblemType.INVALID_PARAMETER, "cursor: " + e.getMessage()));
        routes.exception(HttpResponseException.class, (e, ctx) -> frameworkProblem(ctx, e.getStatus()));
        routes.exception(Exception.class, this::unexpected);
        for (int status : new int[] {404, 405}) {
            routes.error(status, "*", ctx -> {
                if (ctx.attribute(PROBLEM_WRITTEN) == null) {
                    frameworkProblem(ctx, status);
                }
            });
        }
    }

    /**
     * A GET route, and HEAD on the same path with the same handler. Without the HEAD route Javalin answers HEAD
     * with a bare 200 whenever a GET route matches, without running anything (DefaultTasks.HTTP in 7.2.3), so a
     * HEAD probe saw 200 where GET saw 503 or 404. Jetty writes no body for HEAD.
     */
    private static void get(RoutesConfig routes, String path, Handler handler) {
        routes.get(path, handler);
        routes.head(path, handler);
    }

    /** The hand-written OpenAPI 3.1 description in resources; {@code OpenApiIT} keeps it true. */
    private static byte[] openApiDocument() {
        try (InputStream in = NewsServer.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every route as {@code METHOD path}, in declaration order, for the tests that walk the route table. */
    List<String> routeTable() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(parsed -> parsed.endpoint.method.isHttpMethod())
                .map(parsed -> parsed.endpoint.method.name() + " " + parsed.endpoint.path)
                .toList();
    }

    private void ready(Context ctx) {
        Health.Report report = health.ready();
        ctx.status(report.up() ? 200 : 503).contentType("application/json").result(json.bytes(report));
    }

    private void metrics(Context ctx) {
        requireMetricsToken(ctx);
        ctx.contentType(metrics.contentType()).result(metrics.scrape());
    }

    private void timings(Context ctx) {
        requireMetricsToken(ctx);
        if (ctx.queryParam("reset") != null) {
            throw ApiException.invalidParameter("reset", "a reset is a POST to /debug/timings");
        }
        ctx.contentType("application/json").result(json.bytes(latencies.report(false)));
    }

    /** Answers the report so far and starts a new window: a write, so a POST, behind the metrics token when one is set. */
    private void resetTimings(Context ctx) {
        requireMetricsToken(ctx);
        ctx.contentType("application/json").result(json.bytes(latencies.report(true)));
    }

    private void requireMetricsToken(Context ctx) {
        if (metricsToken != null) {
            metricsToken.require(ctx);
        }
    }

    /**
     * The last resort. Expected failures (the database away, a value it refuses) are logged without a stack trace,
     * if at all; a bug gets its stack trace. Either way the method, path and messages are {@link LogText#safe}.
     */
    private void unexpected(Exception e, Context ctx) {
        String request = LogText.safe(ctx.method().name()) + " " + LogText.safe(ctx.path());
        if (DatabaseErrors.unavailable(e)) {
            unavailableLog.warn(request + " from " + ClientAddress.of(ctx) + ": " + LogText.safe(e.getMessage()));
            problem(ctx, ProblemType.UNAVAILABLE, "the database is not answering; try again shortly");
            return;
        }
        if (DatabaseErrors.refusedInput(e)) {
            // Each endpoint checks its parameters first; this is the net for a value that slipped through.
            problem(ctx, ProblemType.INVALID_PARAMETER, "request: holds a value the database refuses");
            return;
        }
        LOG.error("unhandled error for {} from {}", request, ClientAddress.of(ctx), LogText.safe(e));
        problem(ctx, ProblemType.INTERNAL_ERROR);
    }

    /** Problems for what Jetty and Javalin refuse before a handler runs; their own messages are not shown. */
    private void frameworkProblem(Context ctx, int status) {
        switch (status) {
            case 404 -> problem(ctx, ProblemType.NOT_FOUND, "no route for " + ctx.method() + " " + ctx.path());
            case 405 -> problem(ctx, ProblemType.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed on " + ctx.path());
            case 413 -> problem(ctx, ProblemType.PAYLOAD_TOO_LARGE);
            default -> write(ctx, ProblemType.refused(status));
        }
    }

    private void problem(Context ctx, ProblemType type, String detail) {
        type.headers().forEach(ctx::header);
        write(ctx, type.problem(detail));
    }

    /** A problem of a type whose detail never varies. */
    private void problem(Context ctx, ProblemType type) {
        type.headers().forEach(ctx::header);
        write(ctx, type.problem());
    }

    private void write(Context ctx, Problem problem) {
        ctx.attribute(PROBLEM_WRITTEN, Boolean.TRUE);
        ctx.status(problem.status())
                .contentType(Problem.CONTENT_TYPE)
                .result(json.bytes(problem));
    }

    /** Stops accepting and lets in-flight requests finish, within {@link #STOP_TIMEOUT}. */
    void stop() {
        app.stop();
    }
}
