package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RouteLatenciesTest {

    private static final RouteLatencies.Key FAST = new RouteLatencies.Key("GET", "/fast", 200);
    private static final RouteLatencies.Key SLOW = new RouteLatencies.Key("GET", "/slow", 200);

    @Test
    void theReportSortsRoutesByTotalTimeAndComputesShares() {
        RouteLatencies latencies = new RouteLatencies();
        for (int i = 0; i < 100; i++) {
            latencies.record(FAST, 1_000_000);
        }
        for (int i = 0; i < 10; i++) {
            latencies.record(SLOW, 90_000_000);
        }

        RouteLatencies.Report report = latencies.report(false);

        assertThat(report.routes()).extracting(RouteLatencies.Row::route).containsExactly("/slow", "/fast");
        RouteLatencies.Row slow = report.routes().get(0);
        assertThat(slow.count()).isEqualTo(10);
        assertThat(slow.p50Ms()).isCloseTo(90.0, org.assertj.core.data.Percentage.withPercentage(0.2));
        assertThat(slow.share()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(0.001));
        assertThat(report.routes().get(1).share()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void percentilesSeparateTheTailFromTheMedian() {
        RouteLatencies latencies = new RouteLatencies();
        for (int i = 1; i <= 1000; i++) {
            latencies.record(FAST, i * 1_000_000L);
        }

        RouteLatencies.Row row = latencies.report(false).routes().get(0);

        assertThat(row.p50Ms()).isCloseTo(500, org.assertj.core.data.Percentage.withPercentage(0.5));
        assertThat(row.p95Ms()).isCloseTo(950, org.assertj.core.data.Percentage.withPercentage(0.5));
        assertThat(row.p99Ms()).isCloseTo(990, org.assertj.core.data.Percentage.withPercentage(0.5));
        assertThat(row.maxMs()).isCloseTo(1000, org.assertj.core.data.Percentage.withPercentage(0.5));
    }

    @Test
    void aResetStartsAnEmptyWindowWhileLaterRecordsStillCount() {
        RouteLatencies latencies = new RouteLatencies();
        latencies.record(FAST, 1_000);
        assertThat(latencies.report(true).routes()).hasSize(1);

        assertThat(latencies.report(false).routes()).isEmpty();
        latencies.record(SLOW, 2_000);
        assertThat(latencies.report(false).routes()).extracting(RouteLatencies.Row::route).containsExactly("/slow");
    }

    @Test
    void theReportMergesStatusesIntoTheirClassWhileMetricsKeepEachStatus() {
        RouteLatencies latencies = new RouteLatencies();
        latencies.record(new RouteLatencies.Key("GET", "/a", 400), 1_000_000);
        latencies.record(new RouteLatencies.Key("GET", "/a", 404), 3_000_000);

        RouteLatencies.Row row = latencies.report(false).routes().get(0);
        HistogramSnapshot metrics = (HistogramSnapshot) latencies.collect();

        assertThat(row.statusClass()).isEqualTo("4xx");
        assertThat(row.count()).isEqualTo(2);
        assertThat(metrics.getMetadata().getPrometheusName()).isEqualTo(RouteLatencies.METRIC);
        assertThat(metrics.getDataPoints()).extracting(point -> point.getLabels().get("status"))
                .containsExactlyInAnyOrder("400", "404");
        assertThat(metrics.getDataPoints()).allSatisfy(point -> assertThat(point.getCount()).isEqualTo(1));
    }

    @Test
    void metricsBucketsCountEachRequestOnceAndAResetOfTheReportLeavesThemAlone() {
        RouteLatencies latencies = new RouteLatencies();
        RouteLatencies.Key key = new RouteLatencies.Key("GET", "/b", 200);
        latencies.record(key, 400_000);      // 0.4 ms: the first bucket, 0.5 ms
        latencies.record(key, 500_000);      // exactly on a bound: that bucket
        latencies.record(key, 7_000_000);    // 7 ms: the 10 ms bucket
        latencies.report(true);
        latencies.record(key, 20_000_000_000L); // 20 s: only +Inf

        HistogramSnapshot.HistogramDataPointSnapshot point = ((HistogramSnapshot) latencies.collect()).getDataPoints().get(0);

        assertThat(point.getCount()).isEqualTo(4);
        assertThat(point.getSum()).isCloseTo(20.0079, Offset.offset(0.01));
        ClassicHistogramBuckets buckets = point.getClassicBuckets();
        assertThat(buckets.size()).isEqualTo(RouteLatencies.BUCKETS.length + 1);
        assertThat(buckets.getUpperBound(0)).isEqualTo(0.0005);
        assertThat(buckets.getCount(0)).isEqualTo(2);
        assertThat(buckets.getUpperBound(4)).isEqualTo(0.01);
        assertThat(buckets.getCount(4)).isEqualTo(1);
        assertThat(buckets.getUpperBound(buckets.size() - 1)).isInfinite();
        assertThat(buckets.getCount(buckets.size() - 1)).isEqualTo(1);
        assertThat(latencies.report(false).routes().get(0).count()).as("the window started at the reset").isEqualTo(1);
        assertThat(((HistogramSnapshot) latencies.collect()).getDataPoints().get(0).getCount())
                .as("reading again counts nothing twice").isEqualTo(4);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
