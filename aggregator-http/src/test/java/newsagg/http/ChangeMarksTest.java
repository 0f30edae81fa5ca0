package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import newsagg.core.query.NewsQueries.ChangeMark;
import org.junit.jupiter.api.Test;

/** How long an answer has been behind, as the marks this process has read tell it. */
class ChangeMarksTest {

    private final AtomicLong seq = new AtomicLong(10);
    // A maximum age of 0: every current() reads the mark again, as it would after each MARK_MAX_AGE.
    private final ChangeMarks marks = new ChangeMarks(() -> new ChangeMark(1, seq.get()), 0);

    @Test
    void anAnswerThatIncludesTheMarkIsNotBehind() {
        marks.current();
        assertThat(marks.behindNanos(10)).isZero();
        assertThat(marks.behindNanos(11)).isZero();
    }

    @Test
    void anAnswerIsBehindSinceThisProcessFirstSawTheChangeItLacks() {
        marks.current();
        long before12 = System.nanoTime();
        seq.set(12);
        marks.current();
        long after12 = System.nanoTime();
        seq.set(15);
        long before15 = System.nanoTime();
        marks.current();
        long after15 = System.nanoTime();

        long behind10 = marks.behindNanos(10);
        long at10 = System.nanoTime();
        assertThat(behind10).as("10 lacks 12, first seen between before12 and after12")
                .isBetween(after15 - after12, at10 - before12);
        long behind12 = marks.behindNanos(12);
        long at12 = System.nanoTime();
        assertThat(behind12).as("12 lacks only 15, seen later").isBetween(at10 - after15, at12 - before15);
        assertThat(marks.behindNanos(15)).isZero();
    }

    @Test
    void aChangeFromBeforeTheFirstReadOrBeyondTheHistoryCountsAsTooOld() {
        marks.current();
        assertThat(marks.behindNanos(9)).as("the answer lacks a change this process never saw happen")
                .isEqualTo(Long.MAX_VALUE);

        for (int i = 1; i <= ChangeMarks.HISTORY; i++) {
            seq.set(10 + i);
            marks.current();
        }
        assertThat(marks.behindNanos(10)).as("10 -> 11 fell out of the history").isEqualTo(Long.MAX_VALUE);
        assertThat(marks.behindNanos(11)).isLessThan(Long.MAX_VALUE);
    }

    @Test
    void aReadThatFindsTheSameSequenceKeepsWhenItWasFirstSeen() {
        marks.current();
        seq.set(11);
        marks.current();
        long first = marks.behindNanos(10);
        marks.current();
        marks.current();
        assertThat(marks.behindNanos(10)).as("still counted from the first sight of 11").isGreaterThanOrEqualTo(first);
    }
}
