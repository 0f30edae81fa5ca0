package newsagg.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import newsagg.cache.CacheSettings;
import newsagg.cache.CacheTimer;
import newsagg.cache.Caches;
import newsagg.cache.RedisEndpoint;
import newsagg.core.NewsCore;
import newsagg.core.ingest.DefaultSources;
import newsagg.core.ingest.FeedIngester;
import newsagg.core.ingest.FeedPoller;
import newsagg.core.ingest.OpmlImportResult;
import newsagg.core.ingest.fetch.FeedFetcher;
import newsagg.core.ingest.fetch.FetchSettings;
import newsagg.core.query.InvalidCursorException;
import newsagg.core.timing.StageTimer;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: every route in one place ({@link #routes}), errors as RFC 9457 problems, and a graceful
 * stop that lets in-flight requests finish within {@link #STOP_TIMEOUT} before the pool closes.
 */
public final class NewsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NewsServer.class);

    /** Redis connections: enough that request threads rarely wait for one (a wait counts against the 100 ms budget). */
    static final int REDIS_POOL_SIZE = 64;

    /** How long a stop waits for in-flight requests. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String PROBLEM_WRITTEN = "newsagg.problem";

    private final Config config;
    private final HikariDataSource dataSource;
    private final Health health;
    private final Json json = new Json();
    private final RouteLatencies latencies = new RouteLatencies();
    private final Metrics metrics;
    private final RequestTiming timing;
    private final TokenCheck metricsToken;
    private final Cors cors;
    private final ClientAddress clientAddress;
    private final Caches caches;
    private final ReadHandlers reads;
    private final AdminHandlers admin;
    private final FeedPoller poller;
    private final Javalin app;
    private final RateLimitedLog unavailableLog = new RateLimitedLog(LOG, "database unavailable", Duration.ofSeconds(10));

    private NewsServer(Config config, HikariDataSource dataSource) {
        this.config = config;
        this.dataSource = dataSource;
        this.timing = new RequestTiming(latencies);
        this.caches = Caches.create(config.cacheEnabled()
                ? CacheSettings.defaults(config.redisUrl()).withNamespace(config.cacheNamespace()).withPoolSize(REDIS_POOL_SIZE)
                : CacheSettings.disabled(), config.timingEnabled() ? timing : CacheTimer.NONE);
        this.metrics = new Metrics(dataSource, caches, latencies);
        // Each token counts its own failures: a scraper with a stale metrics token must not lock out the admin.
        this.metricsToken = config.metricsToken() == null ? null
                : new TokenCheck(new BearerToken(config.metricsToken()), new AuthFailures());
        this.cors = new Cors(config.corsOrigins());
        this.clientAddress = new ClientAddress(config.trustedProxies());
        this.health = new Health(() -> Databases.direct(config, Health.CHECK_TIMEOUT),
                dataSource.getHikariPoolMXBean()::getTotalConnections,
                config.cacheEnabled() ? new RedisEndpoint(config.redisUrl()) : null);
        NewsCore core = NewsCore.open(dataSource, config.timingEnabled() ? timing : StageTimer.NONE);
        Config.Feeds feeds = config.feeds();
        FeedFetcher fetcher = new FeedFetcher(FetchSettings.defaults().withAllowPrivateNetworks(feeds.allowPrivateNetworks()));
        ResponseCaches responses = new ResponseCaches(caches, config.cacheNearTtl(), core.queries(), json);
        FeedIngester ingester = new FeedIngester(core.sources(), core.articles(), fetcher, responses,
                Clock.systemUTC(), feeds.pollInterval());
        metrics.droppedItems(ingester::droppedItemsTotal);
        this.poller = new FeedPoller(ingester, FeedPoller.Settings.defaults(feeds.pollInterval()).withWorkers(feeds.workers()));
        this.reads = new ReadHandlers(core.queries(), json, responses);
        TokenCheck adminToken = config.adminToken() == null ? null
                : new TokenCheck(new BearerToken(config.adminToken()), new AuthFailures());
        this.admin = new AdminHandlers(adminToken,
                core.queries(), core.sources(), ingester, feeds.allowPrivateNetworks(), json, responses::invalidate);
        if (feeds.defaultSources()) {
            OpmlImportResult imported = DefaultSources.importIfEmpty(core.sources());
            if (imported.added() > 0) {
                LOG.info("imported {} default sources", imported.added());
            }
        }
        this.app = Javalin.create(this::configure);
    }

    /**
     * Opens the pool, migrates the schema and starts serving on {@link Config#listenAddress()} and
     * {@link Config#port()} (0 picks a free port).
     */
    public static NewsServer start(Config config) {
        HikariDataSource dataSource = Databases.pool(config);
        try {
            NewsServer server = new NewsServer(config, dataSource);
            server.app.start(config.listenAddress(), config.port());
            if (config.feeds().pollEnabled()) {
                server.poller.start();
            }
            LOG.info("newsagg listening on port {}", server.port());
            return server;
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
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
        get(routes, "/debug/memory/sources", ctx -> {
            requireMetricsToken(ctx);
            reads.memorySources(ctx);
        });

        routes.exception(ApiException.class, (e, ctx) -> {
            if (e.status() == 401) {
                ctx.header("WWW-Authenticate", "Bearer");
            }
            if (e.retryAfterSeconds() > 0) {
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            problem(ctx, e.status(), e.type(), e.title(), e.getMessage());
        });
        routes.exception(InvalidCursorException.class, (e, ctx) ->
                problem(ctx, 400, "invalid-parameter", "Invalid parameter", "cursor: " + e.getMessage()));
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
            problem(ctx, 503, "database-unavailable", "Service unavailable",
                    "the database is not answering; try again shortly");
            ctx.header("Retry-After", "5");
            return;
        }
        if (DatabaseErrors.refusedInput(e)) {
            // Each endpoint checks its parameters first; this is the net for a value that slipped through.
            problem(ctx, 400, "invalid-parameter", "Invalid parameter", "request: holds a value the database refuses");
            return;
        }
        LOG.error("unhandled error for {} from {}", request, ClientAddress.of(ctx), LogText.safe(e));
        problem(ctx, 500, "internal-error", "Internal server error", "an unexpected error occurred; it has been logged");
    }

    /** Problems for what Jetty and Javalin refuse before a handler runs; their own messages are not shown. */
    private void frameworkProblem(Context ctx, int status) {
        switch (status) {
            case 404 -> problem(ctx, 404, "not-found", "Not found", "no route for " + ctx.method() + " " + ctx.path());
            case 405 -> problem(ctx, 405, "method-not-allowed", "Method not allowed",
                    ctx.method() + " is not allowed on " + ctx.path());
            case 413 -> problem(ctx, 413, "payload-too-large", "Payload too large", "the request body is too large");
            default -> problem(ctx, status, "http-" + status, "Request refused", "the request was refused with status " + status);
        }
    }

    private void problem(Context ctx, int status, String type, String title, String detail) {
        ctx.attribute(PROBLEM_WRITTEN, Boolean.TRUE);
        ctx.status(status)
                .contentType(Problem.CONTENT_TYPE)
                .result(json.bytes(Problem.of(type, title, status, detail)));
    }

    /** Stops accepting, lets in-flight requests finish (bounded), then closes the pool. Idempotent. */
    @Override
    public void close() {
        app.stop();
        poller.close();
        caches.close();
        health.close();
        dataSource.close();
        LOG.info("newsagg stopped");
    }
}
