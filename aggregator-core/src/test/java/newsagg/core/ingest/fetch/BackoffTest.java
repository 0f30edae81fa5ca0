package newsagg.core.ingest.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private static final Instant NOW = Instant.parse("2025-04-01T12:00:00Z");
    private static final Duration INTERVAL = Duration.ofMinutes(15);

    @ParameterizedTest(name = "{0} errors -> {1}")
    @CsvSource({"0, PT15M", "1, PT15M", "2, PT30M", "3, PT1H", "4, PT2H", "7, PT16H", "8, PT24H", "9, PT24H",
        "1000, PT24H", "2147483647, PT24H"})
    void errorsBackOffExponentiallyFromThePollIntervalUpToADay(int errors, Duration delay) {
        assertThat(Backoff.nextFetch(NOW, errors, INTERVAL, null)).isEqualTo(NOW.plus(delay));
    }

    @Test
    void longerRetryAfterWinsUpToTheCap() {
        assertThat(Backoff.nextFetch(NOW, 1, INTERVAL, Duration.ofHours(3))).isEqualTo(NOW.plus(Duration.ofHours(3)));
        assertThat(Backoff.nextFetch(NOW, 1, INTERVAL, Duration.ofDays(3))).isEqualTo(NOW.plus(Duration.ofHours(24)));
        assertThat(Backoff.nextFetch(NOW, 0, INTERVAL, Duration.ofHours(1))).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void shorterRetryAfterDoesNotShortenTheBackoff() {
        assertThat(Backoff.nextFetch(NOW, 3, INTERVAL, Duration.ofSeconds(5))).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void pollIntervalLongerThanADayIsKeptAsIs() {
        Duration weekly = Duration.ofDays(7);

        assertThat(Backoff.nextFetch(NOW, 5, weekly, null)).isEqualTo(NOW.plus(weekly));
    }

    @Test
    void jitterAddsAtMostATenthOfTheBackoffAndIsReproducibleWithASeed() {
        Instant a = Backoff.nextFetch(NOW, 3, INTERVAL, null, new SplittableRandom(42));
        Instant b = Backoff.nextFetch(NOW, 3, INTERVAL, null, new SplittableRandom(42));

        assertThat(a).isEqualTo(b);
        assertThat(a).isBetween(NOW.plus(Duration.ofMinutes(60)), NOW.plus(Duration.ofMinutes(66)));
        assertThat(Backoff.nextFetch(NOW, 0, INTERVAL, null, new SplittableRandom(42))).isEqualTo(NOW.plus(INTERVAL));
        assertThat(Backoff.nextFetch(NOW, 50, INTERVAL, null, new SplittableRandom(42)))
                .isEqualTo(NOW.plus(Backoff.MAX_DELAY));
    }

    @Test
    void rejectsNonsensicalArguments() {
        assertThatIllegalArgumentException().isThrownBy(() -> Backoff.nextFetch(NOW, -1, INTERVAL, null))
                .withMessage("consecutiveErrors must be >= 0, was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> Backoff.nextFetch(NOW, 1, Duration.ZERO, null))
                .withMessage("pollInterval must be positive, was PT0S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backoff.nextFetch(NOW, 1, INTERVAL, Duration.ofSeconds(-1)))
                .withMessage("retryAfter must not be negative, was PT-1S");
    }
}
