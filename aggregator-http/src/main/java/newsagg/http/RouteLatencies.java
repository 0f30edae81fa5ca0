package newsagg.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/**
 * The one record of every request's latency, and both views of it. Each request is recorded once, wait-free, into
 * an HdrHistogram {@link Recorder} per method, route template and status (a bounded set of series). Reading either
 * view first drains the recorders' new intervals into both:
 * <ul>
 * <li>{@link #report} ({@code /debug/timings}): a window per method, route and status class, with exact
 * percentiles, that a reset starts afresh;</li>
 * <li>{@link #collect} ({@code /metrics}): the Prometheus histogram {@value #METRIC} by method, route and status,
 * cumulative since start, its buckets counted from the recorded values (to HdrHistogram's 0.1 % resolution).</li>
 * </ul>
 * Values are kept in microseconds: the resolution {@code Server-Timing} shows, and a tenth of the memory per series
 * that nanoseconds would take.
 */
final class RouteLatencies implements Collector {

    static final String METRIC = "http_server_request_duration_seconds";
    /** The bucket bounds {@code /metrics} has always had, in seconds; +Inf is added. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private static final int SIGNIFICANT_DIGITS = 3;
    private static final long[] BUCKET_MICROS = new long[BUCKETS.length];
    private static final double[] BOUNDS = new double[BUCKETS.length + 1];

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKET_MICROS[i] = Math.round(BUCKETS[i] * 1e6);
            BOUNDS[i] = BUCKETS[i];
        }
        BOUNDS[BUCKETS.length] = Double.POSITIVE_INFINITY;
    }

    private final ConcurrentHashMap<Key, Series> series = new ConcurrentHashMap<>();
    // Both guarded by this.
    private final Map<WindowKey, Histogram> window = new HashMap<>();
    private Instant windowStart = Instant.now();

    /** A series: method, route template (never the raw path) and status code. */
    record Key(String method, String route, int status) {
    }

    /** A row of the report: method, route template and status class such as {@code 2xx}. */
    private record WindowKey(String method, String route, String statusClass) {
    }

    /** One series' recorder, and what has been drained from it for {@code /metrics}; all but the recorder guarded by the owner. */
    private static final class Series {
        final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
        final WindowKey windowKey;
        final long[] bucketCounts = new long[BOUNDS.length];
        Histogram recycled;
        double sumSeconds;

        Series(Key key) {
            windowKey = new WindowKey(key.method(), key.route(), RequestTiming.statusClass(key.status()));
        }
    }

    void record(Key key, long nanos) {
        Series s = series.get(key);
        if (s == null) {
            s = series.computeIfAbsent(key, Series::new);
        }
        s.recorder.recordValue(Math.max(0, nanos) / 1_000);
    }

    /** The slowest-endpoints report since the window started, by total time consumed; optionally starts a new window. */
    synchronized Report report(boolean reset) {
        drain();
        Instant now = Instant.now();
        long grandTotal = 0;
        for (Histogram histogram : window.values()) {
            grandTotal += total(histogram);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<WindowKey, Histogram> entry : window.entrySet()) {
            Histogram h = entry.getValue();
            if (h.getTotalCount() == 0) {
                continue;
            }
            long total = total(h);
            WindowKey key = entry.getKey();
            rows.add(new Row(key.method(), key.route(), key.statusClass(),
                    h.getTotalCount(), millis(h.getMean()), millis(h.getValueAtPercentile(50)),
                    millis(h.getValueAtPercentile(95)), millis(h.getValueAtPercentile(99)), millis(h.getMaxValue()),
                    millis(total), grandTotal == 0 ? 0 : Math.round(10_000.0 * total / grandTotal) / 10_000.0));
        }
        rows.sort(Comparator.comparingDouble(Row::totalMs).reversed());
        Report report = new Report(windowStart, Duration.between(windowStart, now).toMillis() / 1000.0, rows);
        if (reset) {
            window.clear();
            windowStart = now;
        }
        return report;
    }

    /** The Prometheus histogram of every series since start; what a scrape of {@code /metrics} reads. */
    @Override
    public synchronized MetricSnapshot collect() {
        drain();
        HistogramSnapshot.Builder snapshot = HistogramSnapshot.builder().name(METRIC)
                .help("Time to serve an HTTP request, from the first before-handler to the last after-handler");
        series.forEach((key, s) -> snapshot.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .labels(Labels.of("method", key.method(), "route", key.route(), "status", Integer.toString(key.status())))
                .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, s.bucketCounts.clone()))
                .sum(s.sumSeconds)
                .build()));
        return snapshot.build();
    }

    @Override
    public String getPrometheusName() {
        return METRIC;
    }

    /** Moves what each recorder has gathered since the last drain into the window and the Prometheus counts. */
    private void drain() {
        series.forEach((key, s) -> {
            Histogram interval = s.recorder.getIntervalHistogram(s.recycled);
            s.recycled = interval;
            if (interval.getTotalCount() == 0) {
                return;
            }
            Histogram into = window.computeIfAbsent(s.windowKey, k -> new Histogram(SIGNIFICANT_DIGITS));
            int bucket = 0;
            // One pass over the interval feeds both views: each read of a recorder's histogram takes a lock.
            for (HistogramIterationValue value : interval.recordedValues()) {
                long micros = value.getValueIteratedTo();
                long n = value.getCountAtValueIteratedTo();
                into.recordValueWithCount(micros, n);
                while (bucket < BUCKET_MICROS.length && micros > BUCKET_MICROS[bucket]) {
                    bucket++;
                }
                s.bucketCounts[bucket] += n;
                s.sumSeconds += n * interval.medianEquivalentValue(micros) / 1e6;
            }
        });
    }

    private static long total(Histogram h) {
        return Math.round(h.getMean() * h.getTotalCount());
    }

    private static double millis(double micros) {
        return Math.round(micros) / 1_000.0;
    }

    /** One route's latencies in milliseconds, and its share of all time spent serving. */
    record Row(String method, String route, String statusClass, long count, double meanMs, double p50Ms,
               double p95Ms, double p99Ms, double maxMs, double totalMs, double share) {
    }

    /** The report: when the window started, how long it has run, and the routes by total time. */
    record Report(Instant windowStartedAt, double windowSeconds, List<Row> routes) {
    }
}
