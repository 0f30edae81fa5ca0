package newsagg.seed;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import javax.sql.DataSource;

/**
 * The {@code seed} command line: parses {@code --articles N --sources N --seed N --days N --now INSTANT
 * --parallelism N --replace}, first restores any indexes a killed load left dropped (and says so), loads the corpus
 * into an already migrated database with a progress bar, and returns a process exit code (0 done, 1 load failed or
 * refused, 2 bad arguments). Every error is one line naming what was wrong.
 */
public final class SeedCommand {

    /** Exit code for a successful load or {@code --help}. */
    public static final int OK = 0;
    /** Exit code when the load failed or was refused. */
    public static final int LOAD_FAILED = 1;
    /** Exit code for bad arguments. */
    public static final int USAGE = 2;

    static final int MAX_PARALLELISM = 64;

    static final String HELP = """
            Usage: seed [--articles N] [--sources N] [--seed N] [--days N] [--now INSTANT] [--parallelism N] [--replace]

            Loads a deterministic synthetic news corpus into an empty newsagg database.

              --articles N    number of articles (default %,d, at most %,d)
              --sources N     number of sources (default %d, at most %,d)
              --seed N        random seed (default %d); the same options give the same corpus
              --days N        articles spread over the last N days (default %d, at most %d)
              --now INSTANT   end of the window, e.g. 2025-01-31T12:00:00Z (default: the current hour)
              --parallelism N connections copying articles at once (default %d, the cores up to 2)
              --replace       delete existing sources and articles first (TRUNCATE ... CASCADE)
              --help          show this help
            """.formatted(CorpusSpec.DEFAULT_ARTICLES, CorpusSpec.MAX_ARTICLES, CorpusSpec.DEFAULT_SOURCES,
            CorpusSpec.MAX_SOURCES, CorpusSpec.DEFAULT_SEED, CorpusSpec.DEFAULT_DAYS, CorpusSpec.MAX_DAYS,
            CorpusLoader.defaultParallelism());

    private SeedCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code seed}
     * @param ds   a data source on a migrated newsagg database
     * @param out  where the progress and the result go
     * @return the exit code: {@link #OK}, {@link #LOAD_FAILED} or {@link #USAGE}
     */
    public static int run(String[] args, DataSource ds, PrintStream out) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            out.println("seed: " + e.getMessage() + " (see seed --help)");
            return USAGE;
        }
        if (options == null) {
            out.print(HELP);
            return OK;
        }
        try {
            List<String> restored = CorpusLoader.restorePendingIndexes(ds);
            if (!restored.isEmpty()) {
                out.printf("seed: restored %d indexes and constraints that an interrupted load had dropped:%n",
                        restored.size());
                restored.forEach(ddl -> out.println("  " + ddl));
            }
            CorpusLoader.Result result = new CorpusLoader(ds, CorpusLoader.DEFAULT_REPORT_EVERY, options.parallelism())
                    .load(options.spec(), options.replace(), ConsoleProgressBar.forConsole(out));
            out.printf("seed: loaded %,d sources and %,d articles in %.1f s (%,.0f articles/s); seed %d, %d days to %s%n",
                    result.sources(), result.articles(), result.elapsed().toMillis() / 1000.0,
                    result.articlesPerSecond(), options.spec().seed(), options.spec().days(), options.spec().now());
            return OK;
        } catch (CorpusLoadException e) {
            out.println("seed: " + e.getMessage() + (e.getMessage().startsWith("refusing") ? " (--replace)" : ""));
            return LOAD_FAILED;
        }
    }

    /** The parsed options, or null when help was asked for. */
    static Options parse(String[] args) {
        CorpusSpec spec = CorpusSpec.defaults();
        boolean replace = false;
        int parallelism = CorpusLoader.defaultParallelism();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--replace" -> replace = true;
                case "--parallelism" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(flag + " needs a value");
                    }
                    parallelism = integer(flag, args[++i]);
                    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                        throw new IllegalArgumentException(flag + " must be between 1 and " + MAX_PARALLELISM
                                + ", got " + parallelism);
                    }
                }
                case "--articles", "--sources", "--seed", "--days", "--now" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(flag + " needs a value");
                    }
                    spec = apply(spec, flag, args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
            }
        }
        return new Options(spec, replace, parallelism);
    }

    private static CorpusSpec apply(CorpusSpec spec, String flag, String value) {
        try {
            return switch (flag) {
                case "--articles" -> spec.withArticles(integer(flag, value));
                case "--sources" -> spec.withSources(integer(flag, value));
                case "--days" -> spec.withDays(integer(flag, value));
                case "--seed" -> spec.withSeed(wholeNumber(flag, value));
                default -> spec.withNow(instant(flag, value));
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(flag)) {
                throw e;
            }
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }

    private static int integer(String flag, String value) {
        long parsed = wholeNumber(flag, value);
        if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(flag + " is out of range: '" + value + "'");
        }
        return (int) parsed;
    }

    private static long wholeNumber(String flag, String value) {
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects a whole number, got '" + value + "'", e);
        }
    }

    private static Instant instant(String flag, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(flag + " expects an instant like 2025-01-31T12:00:00Z, got '" + value + "'", e);
        }
    }

    record Options(CorpusSpec spec, boolean replace, int parallelism) {
    }
}
