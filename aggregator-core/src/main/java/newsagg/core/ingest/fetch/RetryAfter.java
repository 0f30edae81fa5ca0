package newsagg.core.ingest.fetch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Parses a {@code Retry-After} header (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date in any of its three
 * formats. The result is capped at {@link #MAX}; a date in the past means "now" (zero); anything unparseable is null.
 */
final class RetryAfter {

    /** A server asking for more than a day is treated as asking for a day. */
    static final Duration MAX = Duration.ofHours(24);

    private static final List<DateTimeFormatter> HTTP_DATES = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC));

    private RetryAfter() {
    }

    static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // More digits than a day's worth of seconds could need means "cap", and avoids overflow.
            if (v.length() > 9) {
                return MAX;
            }
            return min(Duration.ofSeconds(Long.parseLong(v)));
        }
        for (DateTimeFormatter f : HTTP_DATES) {
            try {
                Instant at = f.parse(v, Instant::from);
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : min(d);
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return null;
    }

    private static Duration min(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
