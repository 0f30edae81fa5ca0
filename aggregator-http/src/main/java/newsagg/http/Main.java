package newsagg.http;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

import com.zaxxer.hikari.HikariDataSource;
import newsagg.cache.CacheSettings;
import newsagg.cache.CacheTimer;
import newsagg.cache.Caches;
import newsagg.cache.RedisEndpoint;
import newsagg.core.NewsCore;
import newsagg.core.ingest.FeedIngester;
import newsagg.core.ingest.FeedPoller;
import newsagg.core.ingest.Subscriptions;
import newsagg.core.ingest.fetch.FeedFetcher;
import newsagg.core.ingest.fetch.FetchSettings;
import newsagg.core.timing.StageTimer;
import newsagg.seed.SeedCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar newsagg.jar [serve | seed … | healthcheck]}: the composition root, the one place that builds the
 * object graph, by hand, from the environment's {@link Config} ({@link #start}). Every other class gets its
 * collaborators from here.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private static final String USAGE = """
            usage: java -jar newsagg.jar [command]
              serve         run the HTTP server (the default)
              seed …        load the synthetic corpus; 'seed --help' lists its options
              healthcheck   exit 0 if this host's server answers /health/ready with 200, else 1
            Configuration comes from the environment; see README.md.""";

    /** Redis connections: enough that request threads rarely wait for one (a wait counts against the 100 ms budget). */
    static final int REDIS_POOL_SIZE = 64;

    private Main() {
    }

    /** What {@link #run} returns when the server is up and the process must keep running. */
    static final int SERVING = -1;

    public static void main(String[] args) {
        int exitCode = run(args, System.out, System.err);
        if (exitCode != SERVING) {
            System.exit(exitCode);
        }
    }

    /** Runs a command and returns the process exit code, or {@link #SERVING} once the server has started. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (command) {
                case "serve" -> serve();
                case "seed" -> seed(rest, out);
                case "healthcheck" -> healthcheck(err);
                case "help", "--help", "-h" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> {
                    err.println("newsagg: unknown command '" + command + "'");
                    err.println(USAGE);
                    yield 2;
                }
            };
        } catch (ConfigException e) {
            err.println("newsagg: configuration error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("newsagg: cannot " + command + ": " + firstLine(rootMessage(e)));
            return 1;
        }
    }

    private static int serve() {
        Config config = Config.fromEnvironment(System.getenv());
        LOG.info("configuration: {}", config.describe());
        Application application = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(application::close, "newsagg-shutdown"));
        return SERVING;
    }

    /**
     * Opens the pool, migrates the schema, builds everything over it, imports the default sources when asked to, and
     * starts serving on {@link Config#listenAddress()} and {@link Config#port()} (0 picks a free port) and polling.
     * What was opened is closed again when a step fails.
     */
    static Application start(Config config) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            HikariDataSource dataSource = opened(opened, Databases.pool(config));
            RouteLatencies latencies = new RouteLatencies();
            RequestTiming timing = new RequestTiming(latencies);
            Caches caches = opened(opened, Caches.create(config.cacheEnabled()
                    ? CacheSettings.defaults(config.redisUrl()).withNamespace(config.cacheNamespace())
                            .withPoolSize(REDIS_POOL_SIZE)
                    : CacheSettings.disabled(), config.timingEnabled() ? timing : CacheTimer.NONE));
            Health health = opened(opened, new Health(() -> Databases.direct(config, Health.CHECK_TIMEOUT),
                    dataSource.getHikariPoolMXBean()::getTotalConnections,
                    config.cacheEnabled() ? new RedisEndpoint(config.redisUrl()) : null));

            Json json = new Json();
            Metrics metrics = new Metrics(dataSource, caches, latencies);
            StageTimer stageTimer = config.timingEnabled() ? timing : StageTimer.NONE;
            NewsCore core = NewsCore.open(dataSource, stageTimer);
            ResponseCaches responses = opened(opened, new ResponseCaches(caches, config.cacheNearTtl(), core.queries(), json));
            metrics.revalidations(responses::revalidationCounts);

            Config.Feeds feeds = config.feeds();
            Clock clock = Clock.systemUTC();
            FeedFetcher fetcher = new FeedFetcher(
                    FetchSettings.defaults().withAllowPrivateNetworks(feeds.allowPrivateNetworks()));
            FeedIngester ingester = new FeedIngester(core.sources(), core.articles(), fetcher, responses, clock,
                    feeds.pollInterval());
            metrics.droppedItems(ingester::droppedItemsTotal);
            FeedPoller poller = opened(opened, new FeedPoller(core.sources(), ingester, clock,
                    FeedPoller.Settings.defaults(feeds.pollInterval()).withWorkers(feeds.workers())));
            Subscriptions subscriptions = new Subscriptions(core.sources(), feeds.allowPrivateNetworks(), responses);
            if (feeds.defaultSources()) {
                subscriptions.importDefaultsIfEmpty();
            }

            AdminHandlers admin = new AdminHandlers(tokenCheck(config.adminToken()), core.queries(), core.sources(),
                    ingester, subscriptions, json);
            ReadHandlers reads = new ReadHandlers(core.queries(), json, responses);
            NewsServer server = new NewsServer(config, new NewsServer.Parts(json, reads, admin, health, metrics, timing,
                    latencies, tokenCheck(config.metricsToken()), new Cors(config.corsOrigins()),
                    new ClientAddress(config.trustedProxies())));
            opened.push(server::stop);

            server.start(config.listenAddress(), config.port());
            if (feeds.pollEnabled()) {
                poller.start();
            }
            return new Application(dataSource, core, subscriptions, caches, responses, health, poller, server);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** Each token counts its own failures: a scraper with a stale metrics token must not lock out the admin. */
    private static TokenCheck tokenCheck(String token) {
        return token == null ? null : new TokenCheck(new BearerToken(token), new AuthFailures());
    }

    private static <T extends AutoCloseable> T opened(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    /** Closes what a failed start opened, newest first; what fails to close is added to {@code failure}. */
    private static void closeAll(Deque<AutoCloseable> opened, RuntimeException failure) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static int seed(String[] args, PrintStream out) {
        Config config = Config.fromEnvironment(System.getenv());
        try (HikariDataSource dataSource = Databases.pool(config, Duration.ZERO)) {
            NewsCore.migrate(dataSource);
            return SeedCommand.run(args, dataSource, out);
        }
    }

    private static int healthcheck(PrintStream err) {
        Config config = Config.fromEnvironment(System.getenv());
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + config.localHost() + ":" + config.port() + "/health/ready"))
                .timeout(Duration.ofSeconds(3))
                .GET()
                .build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                return 0;
            }
            err.println("newsagg: not ready: /health/ready answered " + status);
            return 1;
        } catch (java.io.IOException e) {
            err.println("newsagg: not ready: " + e.getClass().getSimpleName());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    private static String firstLine(String s) {
        int newline = s.indexOf('\n');
        return (newline < 0 ? s : s.substring(0, newline)).strip();
    }
}
