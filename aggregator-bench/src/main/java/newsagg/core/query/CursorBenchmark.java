package newsagg.core.query;

import java.time.Instant;
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
 * Encoding and decoding of the opaque listing cursors. {@code Cursors} is package-private and has no public facade,
 * so this benchmark lives in the core's package name inside the bench module; on the classpath that works because
 * the package is not sealed and there are no Java modules.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class CursorBenchmark {

    private static final int POSITIONS = 1024;

    private final Instant[] times = new Instant[POSITIONS];
    private final long[] ids = new long[POSITIONS];
    private final float[] ranks = new float[POSITIONS];
    private final String[] newestCursors = new String[POSITIONS];
    private final String[] searchCursors = new String[POSITIONS];
    private int next;

    @Setup
    public void setUp() {
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < POSITIONS; i++) {
            times[i] = start.plusSeconds(37L * i).plusNanos(123_456_000L);
            ids[i] = 1_000_000L + 7L * i;
            ranks[i] = 0.01f * (i + 1);
            newestCursors[i] = Cursors.newest(times[i], ids[i]);
            searchCursors[i] = Cursors.search(ranks[i], ids[i]);
        }
    }

    private int index() {
        next = (next + 1) & (POSITIONS - 1);
        return next;
    }

    @Benchmark
    public String encodeNewest() {
        int i = index();
        return Cursors.newest(times[i], ids[i]);
    }

    @Benchmark
    public Cursors.Newest decodeNewest() {
        return Cursors.decodeNewest(newestCursors[index()]);
    }

    @Benchmark
    public String encodeSearch() {
        int i = index();
        return Cursors.search(ranks[i], ids[i]);
    }

    @Benchmark
    public Cursors.Search decodeSearch() {
        return Cursors.decodeSearch(searchCursors[index()]);
    }
}
