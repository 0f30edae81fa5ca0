package newsagg.core.ingest.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2025-04-01T12:00:00Z");

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "0 | PT0S",
        "120 | PT2M",
        " 3600 | PT1H",
        "86400 | PT24H",
        "86401 | PT24H",
        "99999999999999999999999 | PT24H",
        "Tue, 01 Apr 2025 12:05:00 GMT | PT5M",
        "Tuesday, 01-Apr-25 12:00:30 GMT | PT30S",
        "Tue Apr  1 13:00:00 2025 | PT1H",
        "Tue, 01 Apr 2025 11:00:00 GMT | PT0S",
        "Thu, 01 May 2025 12:00:00 GMT | PT24H"
    })
    void parsesDeltaSecondsAndHttpDatesCappedAtADay(String header, Duration expected) {
        assertThat(RetryAfter.parse(header, NOW)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullSource
    @ValueSource(strings = {"", "  ", "-5", "1.5", "soon", "2025-04-01T12:05:00Z", "Tue, 01 Apr 2025", "Tue, 31 Apr 2025 12:00:00 GMT"})
    void ignoresAbsentOrUnparseableValues(String header) {
        assertThat(RetryAfter.parse(header, NOW)).isNull();
    }
}
