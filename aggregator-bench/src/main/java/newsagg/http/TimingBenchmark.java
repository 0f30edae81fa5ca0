package newsagg.http;

import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import newsagg.cache.Caches;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request cost of the timing after-handler's recording: {@link RouteLatencies#record} (HdrHistogram per
 * route) and {@link Metrics#observe} (Prometheus histogram), each alone and both together as the handler does them.
 * Both are package-private, so this benchmark lives in {@code newsagg.http} inside the bench module. The
 * {@link Metrics} gets a connection pool that is never started: only its gauges read the pool, and only when
 * {@code /metrics} is scraped, which this benchmark never does. Run with {@code -t 2} to see contention.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class TimingBenchmark {

    private static final String[] ROUTES = {"/api/articles", "/api/articles/{id}", "/api/search", "/api/trending",
        "/api/sources", "/health/ready", "/metrics", "unmatched"};
    private static final int[] STATUSES = {200, 200, 200, 200, 200, 200, 200, 404};

    private HikariDataSource unstartedPool;
    private RouteLatencies latencies;
    private Metrics metrics;

    /** Each thread walks the routes on its own, so threads do not share a counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        long nanos = 250_000;

        int advance() {
            next = (next + 1) & (ROUTES.length - 1);
            nanos = nanos * 6364136223846793005L + 1442695040888963407L;
            return next;
        }

        long duration() {
            // 0.05 to ~105 ms, so the histograms see a spread of buckets.
            return 50_000 + ((nanos >>> 1) % 105_000_000L);
        }
    }

    @Setup
    public void setUp() {
        unstartedPool = new HikariDataSource();
        latencies = new RouteLatencies();
        metrics = new Metrics(unstartedPool, Caches.disabled());
    }

    @TearDown
    public void tearDown() {
        unstartedPool.close();
    }

    @Benchmark
    public void routeLatenciesRecord(Cursor cursor) {
        int i = cursor.advance();
        latencies.record(new RouteLatencies.Key("GET", ROUTES[i], RequestTiming.statusClass(STATUSES[i])), cursor.duration());
    }

    @Benchmark
    public void metricsObserve(Cursor cursor) {
        int i = cursor.advance();
        metrics.observe("GET", ROUTES[i], STATUSES[i], cursor.duration());
    }

    @Benchmark
    public void recordAndObserve(Cursor cursor) {
        int i = cursor.advance();
        long nanos = cursor.duration();
        latencies.record(new RouteLatencies.Key("GET", ROUTES[i], RequestTiming.statusClass(STATUSES[i])), nanos);
        metrics.observe("GET", ROUTES[i], STATUSES[i], nanos);
    }
}
