package newsagg.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strict reading of query and path parameters. Every malformed or out-of-range value becomes a 400 that
 * names the parameter; nothing a client sends can reach the database unchecked or cause a 500.
 */
final class Params {

    /** Longest value accepted for any single parameter; longer values are refused before parsing. */
    static final int MAX_VALUE_LENGTH = 1024;

    /** The range of accepted instants: the years 0001 to 9999, UTC. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant AFTER_LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    private final Map<String, List<String>> query;

    Params(Map<String, List<String>> query) {
        this.query = query;
    }

    int intValue(String name, int defaultValue, int min, int max) {
        String raw = single(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        throw ApiException.invalidParameter(name, "must be an integer from " + min + " to " + max);
    }

    /**
     * An ISO-8601 instant ({@code 2026-11-26T08:00:00Z}, an offset, or a plain date meaning its UTC midnight) in
     * the years 0001 to 9999. Java reads years up to ±999,999,999, PostgreSQL refuses anything past 294276 AD or
     * before 4713 BC; four-digit years are what any client means.
     */
    Instant instant(String name) {
        String raw = single(name);
        if (raw == null) {
            return null;
        }
        Instant value;
        try {
            value = OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException notOffsetDateTime) {
            try {
                value = LocalDate.parse(raw).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw ApiException.invalidParameter(name, "must be an ISO-8601 time such as 2026-11-26T08:00:00Z");
            }
        }
        if (value.isBefore(EARLIEST) || !value.isBefore(AFTER_LATEST)) {
            throw ApiException.invalidParameter(name, "must be a time from 0001-01-01 to 9999-12-31 (UTC)");
        }
        return value;
    }

    /** All values of a repeatable id parameter. */
    List<Long> ids(String name, int maxCount) {
        List<String> raw = query.getOrDefault(name, List.of());
        if (raw.size() > maxCount) {
            throw ApiException.invalidParameter(name, "may be given at most " + maxCount + " times");
        }
        List<Long> ids = new ArrayList<>(raw.size());
        for (String value : raw) {
            ids.add(id(name, value));
        }
        return ids;
    }

    /** A free-text parameter, stripped; null when absent. */
    String text(String name, int maxLength) {
        String raw = single(name);
        if (raw == null) {
            return null;
        }
        String value = raw.strip();
        if (value.codePointCount(0, value.length()) > maxLength) {
            throw ApiException.invalidParameter(name, "must be at most " + maxLength + " characters");
        }
        return value;
    }

    /** A database id, from a query or path parameter. */
    static long id(String name, String raw) {
        if (raw != null && !raw.isEmpty() && raw.length() <= 19) {
            try {
                long value = Long.parseLong(raw);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw ApiException.invalidParameter(name, "must be a positive integer id");
    }

    /** The one value of a parameter, or null when it is absent or empty. */
    String single(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.invalidParameter(name, "must be given at most once");
        }
        String value = values.get(0);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw ApiException.invalidParameter(name, "is longer than " + MAX_VALUE_LENGTH + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw ApiException.invalidParameter(name, "must not contain NUL characters");
        }
        return value;
    }
}
