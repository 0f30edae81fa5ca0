package newsagg.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import newsagg.seed.ProgressListener.Phase;
import org.junit.jupiter.api.Test;

class ConsoleProgressBarTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    @Test
    void withoutATerminalPrintsOneLinePerTenthOfTheWay() {
        ConsoleProgressBar bar = new ConsoleProgressBar(out, false, clock::get);
        for (long done = 0; done <= 1_000; done += 10) {
            clock.addAndGet(10_000_000);
            bar.progress(Phase.ARTICLES, done, 1_000);
        }

        String[] lines = output().split("\n");
        assertThat(lines).hasSize(10);
        assertThat(lines[0]).startsWith("articles [###   ").contains(" 10% 100/1,000");
        assertThat(lines[9]).contains("100% 1,000/1,000").doesNotContain("\r");
    }

    @Test
    void onATerminalRedrawsOneLineWithCarriageReturnsAndEndsItWhenThePhaseCompletes() {
        ConsoleProgressBar bar = new ConsoleProgressBar(out, true, clock::get);
        for (long done = 0; done <= 100; done += 25) {
            clock.addAndGet(200_000_000);
            bar.progress(Phase.ARTICLES, done, 100);
        }
        bar.progress(Phase.INDEXES, 0, 5);

        String text = output();
        assertThat(text.chars().filter(c -> c == '\r').count()).isEqualTo(6);
        assertThat(text).contains("\rarticles [##############################] 100% 100/100 125/s\n")
                .endsWith("\rindexes  [                              ]   0% 0/5");
    }

    @Test
    void onATerminalDrawsAtMostTenTimesASecond() {
        ConsoleProgressBar bar = new ConsoleProgressBar(out, true, clock::get);
        for (long done = 1; done < 1_000; done++) {
            clock.addAndGet(1_000_000);
            bar.progress(Phase.ARTICLES, done, 1_000);
        }

        assertThat(output().chars().filter(c -> c == '\r').count()).isBetween(9L, 11L);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
