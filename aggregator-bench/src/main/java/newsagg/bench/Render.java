package newsagg.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Compares two load-test results written by {@code aggregator-bench/loadtest/run.sh}: a Markdown table per endpoint
 * (requests per second with the B/A ratio, p50 and p99) and an SVG chart of p50/p90/p99 per endpoint on a log scale.
 * <pre>
 * java -cp aggregator-bench/target/benchmarks.jar newsagg.bench.Render A.json B.json [--out-md F] [--out-svg F]
 * java -cp … newsagg.bench.Render --median A1.json A2.json A3.json -- B1.json B2.json B3.json [--out-md F] [--out-svg F]
 * </pre>
 * With {@code --median} each side is the per-endpoint median of its runs (alternate A/B/A/B, at least three pairs).
 * Without {@code --out-md} the Markdown goes to standard output.
 */
public final class Render {

    private static final String USAGE = """
            usage: Render A.json B.json [--out-md FILE] [--out-svg FILE]
                   Render --median A1.json A2.json ... -- B1.json B2.json ... [--out-md FILE] [--out-svg FILE]""";

    private Render() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command; returns 0 on success, 1 when a file cannot be read or written, 2 on bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> sideA = new ArrayList<>();
        List<String> sideB = new ArrayList<>();
        Path outMd = null;
        Path outSvg = null;
        boolean median = false;
        boolean secondSide = false;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--median" -> median = true;
                case "--" -> secondSide = true;
                case "--out-md", "--out-svg" -> {
                    if (i + 1 >= args.length) {
                        err.println("Render: " + arg + " needs a file name\n" + USAGE);
                        return 2;
                    }
                    Path file = Path.of(args[++i]);
                    if (arg.equals("--out-md")) {
                        outMd = file;
                    } else {
                        outSvg = file;
                    }
                }
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    if (arg.startsWith("--")) {
                        err.println("Render: unknown option " + arg + "\n" + USAGE);
                        return 2;
                    }
                    if (median) {
                        (secondSide ? sideB : sideA).add(arg);
                    } else {
                        positional.add(arg);
                    }
                }
            }
        }
        if (!median) {
            if (positional.size() != 2 || secondSide) {
                err.println("Render: give exactly two result files, or --median A... -- B...\n" + USAGE);
                return 2;
            }
            sideA.add(positional.get(0));
            sideB.add(positional.get(1));
        } else if (!positional.isEmpty() || sideA.isEmpty() || sideB.isEmpty()) {
            err.println("Render: --median needs result files on both sides of --\n" + USAGE);
            return 2;
        }

        ObjectMapper mapper = new ObjectMapper();
        Report report;
        try {
            report = new Report(read(mapper, sideA), read(mapper, sideB));
        } catch (IOException e) {
            err.println("Render: cannot read a result: " + e.getMessage());
            return 1;
        }
        try {
            if (outMd == null) {
                out.print(report.markdown());
            } else {
                Files.writeString(outMd, report.markdown(), StandardCharsets.UTF_8);
            }
            if (outSvg != null) {
                Files.writeString(outSvg, report.svg(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            err.println("Render: cannot write: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static LoadResult read(ObjectMapper mapper, List<String> files) throws IOException {
        List<LoadResult> runs = new ArrayList<>();
        for (String file : files) {
            runs.add(LoadResult.read(mapper, Path.of(file)));
        }
        return LoadResult.median(runs);
    }
}
