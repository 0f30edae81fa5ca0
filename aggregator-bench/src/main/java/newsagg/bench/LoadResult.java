package newsagg.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The part of a load-test result file ({@code aggregator-bench/loadtest/run.sh}) that the renderer compares: a label
 * and the client-side numbers of each endpoint, in the file's order. Several runs of one side fold into their
 * per-endpoint medians.
 *
 * @param label     what the run measured, e.g. {@code baseline}
 * @param endpoints the endpoints in the order the run measured them
 */
record LoadResult(String label, Map<String, Stats> endpoints) {

    LoadResult {
        endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    }

    /** One endpoint's throughput, latency percentiles in milliseconds and error count. */
    record Stats(double reqS, double p50Ms, double p90Ms, double p99Ms, double errors) {
    }

    static LoadResult read(ObjectMapper mapper, Path file) throws IOException {
        JsonNode root = mapper.readTree(file.toFile());
        JsonNode endpoints = root == null ? null : root.get("endpoints");
        if (endpoints == null || !endpoints.isObject()) {
            throw new IOException(file + " is not a load-test result: it has no \"endpoints\" object");
        }
        Map<String, Stats> stats = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = endpoints.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode e = field.getValue();
            stats.put(field.getKey(), new Stats(number(e, "req_s"), number(e, "p50_ms"), number(e, "p90_ms"),
                    number(e, "p99_ms"), number(e, "errors")));
        }
        String label = root.path("label").asText("");
        return new LoadResult(label.isEmpty() ? file.getFileName().toString() : label, stats);
    }

    private static double number(JsonNode endpoint, String field) {
        JsonNode value = endpoint.get(field);
        return value != null && value.isNumber() ? value.asDouble() : Double.NaN;
    }

    /** The per-endpoint, per-field medians of several runs; an endpoint counts the runs that measured it. */
    static LoadResult median(List<LoadResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to take the median of");
        }
        if (runs.size() == 1) {
            return runs.get(0);
        }
        Set<String> names = new LinkedHashSet<>();
        runs.forEach(run -> names.addAll(run.endpoints().keySet()));
        Map<String, Stats> medians = new LinkedHashMap<>();
        for (String name : names) {
            List<Stats> measured = new ArrayList<>();
            for (LoadResult run : runs) {
                Stats stats = run.endpoints().get(name);
                if (stats != null) {
                    measured.add(stats);
                }
            }
            medians.put(name, new Stats(
                    median(measured.stream().mapToDouble(Stats::reqS).toArray()),
                    median(measured.stream().mapToDouble(Stats::p50Ms).toArray()),
                    median(measured.stream().mapToDouble(Stats::p90Ms).toArray()),
                    median(measured.stream().mapToDouble(Stats::p99Ms).toArray()),
                    median(measured.stream().mapToDouble(Stats::errors).toArray())));
        }
        return new LoadResult(runs.get(0).label() + " (median of " + runs.size() + ")", medians);
    }

    static double median(double[] values) {
        double[] known = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (known.length == 0) {
            return Double.NaN;
        }
        int middle = known.length / 2;
        return known.length % 2 == 1 ? known[middle] : (known[middle - 1] + known[middle]) / 2;
    }
}
