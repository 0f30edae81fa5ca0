package newsagg.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Per-route latency histograms (HdrHistogram), keyed by method, route template and status class so that the
 * number of series stays bounded. Recording is wait-free; the report folds each recorder's interval into a
 * window that {@code reset} starts afresh. This is what {@code /debug/timings} serves.
 */
final class RouteLatencies {

    private static final int SIGNIFICANT_DIGITS = 3;

    private final ConcurrentHashMap<Key, Recorder> recorders = new ConcurrentHashMap<>();
    private final Map<Key, Histogram> window = new HashMap<>();
    private Instant windowStart = Instant.now();

    /** A series: method, route template (never the raw path) and status class such as {@code 2xx}. */
    record Key(String method, String route, String statusClass) {
    }

    void record(Key key, long nanos) {
        Recorder recorder = recorders.get(key);
        if (recorder == null) {
            recorder = recorders.computeIfAbsent(key, k -> new Recorder(SIGNIFICANT_DIGITS));
        }
        recorder.recordValue(Math.max(0, nanos));
    }

    /** The slowest-endpoints report since the window started, by total time consumed; optionally starts a new window. */
    synchronized Report report(boolean reset) {
        recorders.forEach((key, recorder) -> {
            Histogram interval = recorder.getIntervalHistogram();
            window.computeIfAbsent(key, k -> new Histogram(SIGNIFICANT_DIGITS)).add(interval);
        });
        Instant now = Instant.now();
        long grandTotal = 0;
        for (Histogram histogram : window.values()) {
            grandTotal += total(histogram);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Key, Histogram> entry : window.entrySet()) {
            Histogram h = entry.getValue();
            if (h.getTotalCount() == 0) {
                continue;
            }
            long total = total(h);
            rows.add(new Row(entry.getKey().method(), entry.getKey().route(), entry.getKey().statusClass(),
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

    private static long total(Histogram h) {
        return Math.round(h.getMean() * h.getTotalCount());
    }

    private static double millis(double nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /** One route's latencies in milliseconds, and its share of all time spent serving. */
    record Row(String method, String route, String statusClass, long count, double meanMs, double p50Ms,
               double p95Ms, double p99Ms, double maxMs, double totalMs, double share) {
    }

    /** The report: when the window started, how long it has run, and the routes by total time. */
    record Report(Instant windowStartedAt, double windowSeconds, List<Row> routes) {
    }
}
