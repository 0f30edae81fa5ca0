package newsagg.http;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

import com.zaxxer.hikari.HikariDataSource;
import newsagg.core.NewsCore;
import newsagg.seed.SeedCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar newsagg.jar [serve | seed … | healthcheck]}: the composition root. Builds the object
 * graph by hand from the environment's {@link Config}.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private static final String USAGE = """
            usage: java -jar newsagg.jar [command]
              serve         run the HTTP server (the default)
              seed …        load the synthetic corpus; 'seed --help' lists its options
              healthcheck   exit 0 if this host's server answers /health/ready with 200, else 1
            Configuration comes from the environment; see README.md.""";

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
        NewsServer server = NewsServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "newsagg-shutdown"));
        return SERVING;
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
