package newsagg.seed;

import java.io.PrintStream;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A {@link ProgressListener} for people: on a terminal, one line per phase redrawn in place with a carriage return
 * (at most ten times a second); when output goes to a file or a pipe, one line per phase at every tenth of the way,
 * so logs stay short.
 */
public final class ConsoleProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private Phase phase;
    private long phaseStart;
    private long lastDraw;
    private int lastTenth;
    private boolean lineOpen;

    /** @param terminal whether {@code out} is an interactive terminal that understands carriage returns */
    public ConsoleProgressBar(PrintStream out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    ConsoleProgressBar(PrintStream out, boolean terminal, LongSupplier nanoTime) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** A progress bar on {@code out} that redraws in place when the JVM has a console (stdout is a terminal). */
    public static ConsoleProgressBar forConsole(PrintStream out) {
        return new ConsoleProgressBar(out, System.console() != null);
    }

    @Override
    public void progress(Phase phase, long done, long total) {
        long now = nanoTime.getAsLong();
        if (phase != this.phase) {
            finishLine();
            this.phase = phase;
            this.phaseStart = now;
            this.lastDraw = Long.MIN_VALUE;
            this.lastTenth = 0;
        }
        boolean complete = done >= total;
        if (terminal) {
            if (complete || lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS) {
                out.print("\r" + line(done, total, now));
                lineOpen = true;
                lastDraw = now;
            }
            if (complete) {
                finishLine();
            }
        } else {
            int tenth = total <= 0 ? 10 : (int) Math.min(10, done * 10 / total);
            if (tenth > lastTenth) {
                out.println(line(done, total, now));
                lastTenth = tenth;
            }
        }
        out.flush();
    }

    private String line(long done, long total, long now) {
        double fraction = total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = (now - phaseStart) / 1e9;
        String rate = seconds > 0 && done > 0 ? String.format(" %,.0f/s", done / seconds) : "";
        return String.format("%-8s [%s%s] %3d%% %,d/%,d%s", phase.label(), "#".repeat(filled), " ".repeat(WIDTH - filled),
                Math.round(fraction * 100), done, total, rate);
    }

    private void finishLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }
}
