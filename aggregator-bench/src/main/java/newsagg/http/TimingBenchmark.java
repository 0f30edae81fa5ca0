package newsagg.http;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request cost of timing: the after-handler's one recording ({@link RouteLatencies#record}, an HdrHistogram
 * per method, route and status, which both {@code /debug/timings} and {@code /metrics} read), and a request's stage
 * accumulator with its {@code Server-Timing} header, reused (a platform thread) or new (a virtual thread, one per
 * request). The types are package-private, so this benchmark lives in {@code newsagg.http} inside the bench module.
 * {@link #scrape} builds the Prometheus view, as {@code /metrics} does. Run with {@code -t 2} to see contention and
 * with {@code -prof gc} for the bytes each request allocates.
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

    private RouteLatencies latencies;

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

    /** A platform thread's accumulator, reused by every request on that thread. */
    @State(Scope.Thread)
    public static class ThreadStages {
        final RequestTiming.Stages stages = new RequestTiming.Stages();
    }

    @Setup
    public void setUp() {
        latencies = new RouteLatencies();
    }

    /** The after-handler's recording: once per request. */
    @Benchmark
    public void routeLatenciesRecord(Cursor cursor) {
        int i = cursor.advance();
        latencies.record(new RouteLatencies.Key("GET", ROUTES[i], STATUSES[i]), cursor.duration());
    }

    /** A request's stages on a platform thread: begin, SQL and cache time added, the header built. */
    @Benchmark
    public String stagesReused(ThreadStages thread, Cursor cursor) {
        return stages(thread.stages, cursor);
    }

    /** The same on a virtual thread, whose accumulator is new with every request (the thread-local map not counted). */
    @Benchmark
    public String stagesNew(Cursor cursor) {
        return stages(new RequestTiming.Stages(), cursor);
    }

    /** A {@code /metrics} scrape's view of the eight series, drained from the recorders. */
    @Benchmark
    public Object scrape(Cursor cursor) {
        routeLatenciesRecord(cursor);
        return latencies.collect();
    }

    private static String stages(RequestTiming.Stages stages, Cursor cursor) {
        stages.begin(cursor.nanos);
        stages.add("db", cursor.duration());
        stages.add("cache", 120_000);
        return stages.header(cursor.duration());
    }
}
