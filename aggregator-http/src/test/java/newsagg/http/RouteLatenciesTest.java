package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class RouteLatenciesTest {

    private static final RouteLatencies.Key FAST = new RouteLatencies.Key("GET", "/fast", "2xx");
    private static final RouteLatencies.Key SLOW = new RouteLatencies.Key("GET", "/slow", "2xx");

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

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
