package newsagg.core.ingest.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the dates feeds actually contain. Accepted:
 * <ul>
 *   <li>RFC 822/1123/2822: optional weekday, 1–2 digit day, English month name (3+ letters, "Sept"
 *       too), 2- or 4-digit year (2-digit: 00–49 → 20xx, 50–99 → 19xx, as RFC 2822 says), time with or
 *       without seconds, or no time at all, and a zone that is a numeric offset ({@code +0100}, {@code +01:00}, {@code +01}),
 *       a name from {@link #ZONES}, a military letter, or absent (UTC). A trailing comment such as
 *       {@code (UTC)} is ignored. Military letters other than {@code Z} are read as UTC, as RFC 2822
 *       §4.3 advises, since RFC 822 defined their signs backwards.</li>
 *   <li>ISO 8601 / RFC 3339: {@code yyyy-MM-dd}, optionally {@code T} or a space and {@code HH:mm},
 *       seconds and fractional seconds, then {@code Z}, a numeric offset, {@code UTC}/{@code GMT}, or
 *       nothing (read as UTC).</li>
 * </ul>
 * <ul>
 *   <li>Month first ({@code July 15, 2012}, optionally a time with AM/PM), C's asctime and Twitter's
 *       {@code Sun Jul 15 01:16:00 +0000 2012}, and a date without a time (midnight UTC) in every form.</li>
 *   <li>Unix time: 9–10 digits as seconds, 13 digits as milliseconds.</li>
 * </ul>
 * A comma after the day, month or year is ignored. Anything else, or an impossible value (day 99, month 13,
 * hour 25), gives null; {@link #recognised} tells the two apart.
 */
public final class DateParser {
    /**
     * Named zones. IST is read as India Standard Time (+05:30), its most common meaning in feeds;
     * BST as British Summer Time.
     */
    static final Map<String, Integer> ZONES = Map.ofEntries(
            Map.entry("UT", 0), Map.entry("UTC", 0), Map.entry("GMT", 0), Map.entry("Z", 0),
            Map.entry("WET", 0), Map.entry("WEST", 60),
            Map.entry("EST", -300), Map.entry("EDT", -240), Map.entry("CST", -360), Map.entry("CDT", -300),
            Map.entry("MST", -420), Map.entry("MDT", -360), Map.entry("PST", -480), Map.entry("PDT", -420),
            Map.entry("AKST", -540), Map.entry("AKDT", -480), Map.entry("HST", -600),
            Map.entry("AST", -240), Map.entry("ADT", -180), Map.entry("NST", -210), Map.entry("NDT", -150),
            Map.entry("BST", 60), Map.entry("IST", 330), Map.entry("CET", 60), Map.entry("CEST", 120),
            Map.entry("MET", 60), Map.entry("MEST", 120), Map.entry("EET", 120), Map.entry("EEST", 180),
            Map.entry("MSK", 180), Map.entry("JST", 540), Map.entry("KST", 540), Map.entry("HKT", 480),
            Map.entry("SGT", 480), Map.entry("AWST", 480), Map.entry("ACST", 570), Map.entry("AEST", 600),
            Map.entry("AEDT", 660), Map.entry("NZST", 720), Map.entry("NZDT", 780));

    private static final Pattern RFC822 = Pattern.compile(
            "^(?:[A-Za-z]{2,9}\\.?,?\\s*)?(\\d{1,2}),?[\\s-]+([A-Za-z]{3,9})\\.?,?[\\s-]+(\\d{4}|\\d{2}),?"
                    + "(?:(?:\\s+|T)(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?)?\\s*(.*)$");
    /** Month first, as US sites and some generators write it: {@code July 15, 2012 01:16:00 PM EST}. */
    private static final Pattern MONTH_FIRST = Pattern.compile(
            "^(?:[A-Za-z]{2,9}\\.?,?\\s*)?([A-Za-z]{3,9})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4}),?"
                    + "(?:(?:\\s+|T)(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?(?:\\s*([AaPp][Mm]))?)?\\s*(.*)$");
    /** C's asctime and Twitter's format: {@code Sun Jul 15 01:16:00 +0000 2012}, the zone optional. */
    private static final Pattern ASCTIME = Pattern.compile(
            "^[A-Za-z]{3,9},?\\s+([A-Za-z]{3,9})\\s+(\\d{1,2})\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?"
                    + "(?:\\s+([A-Za-z]{1,5}|[+-]\\d{2}:?\\d{2}))?\\s+(\\d{4})$");
    /** Unix time in seconds (9 to 10 digits, 1973 to 2286) or milliseconds (13 digits). */
    private static final Pattern EPOCH = Pattern.compile("^(\\d{9,10}|\\d{13})$");
    private static final Pattern ISO = Pattern.compile(
            "^(\\d{4})-(\\d{2})-(\\d{2})(?:[Tt\\s]+(\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9})\\d*)?)?)?\\s*(.*)$");
    private static final Pattern NUMERIC_OFFSET = Pattern.compile("^(?:GMT|UTC|UT)?([+-])(\\d{1,2}):?(\\d{2})?$");
    private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s*\\([^)]*\\)\\s*$");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private DateParser() {
    }

    /** Returns the instant, or null when the string is absent or not a date this parser accepts. */
    public static Instant parse(String raw) {
        if (raw == null) {
            return null;
        }
        String s = cleaned(raw);
        if (s.isEmpty()) {
            return null;
        }
        try {
            Matcher iso = ISO.matcher(s);
            if (iso.matches()) {
                return iso(iso);
            }
            Matcher rfc = RFC822.matcher(s);
            if (rfc.matches()) {
                return rfc822(rfc);
            }
            Matcher monthFirst = MONTH_FIRST.matcher(s);
            if (monthFirst.matches()) {
                return monthFirst(monthFirst);
            }
            Matcher asctime = ASCTIME.matcher(s);
            if (asctime.matches()) {
                return asctime(asctime);
            }
            Matcher epoch = EPOCH.matcher(s);
            if (epoch.matches()) {
                long n = Long.parseLong(epoch.group(1));
                return epoch.group(1).length() == 13 ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
            }
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
        return null;
    }

    /**
     * Whether the string has the shape of a date this parser reads, whatever its values: a recognised date that
     * {@link #parse} refuses (day 99, hour 25, month 13) is impossible, and is not handed to a more lenient parser
     * that would roll it over into a wrong date.
     */
    public static boolean recognised(String raw) {
        if (raw == null) {
            return false;
        }
        String s = cleaned(raw);
        return ISO.matcher(s).matches() || RFC822.matcher(s).matches() || MONTH_FIRST.matcher(s).matches()
                || ASCTIME.matcher(s).matches() || EPOCH.matcher(s).matches();
    }

    /**
     * The text as the patterns read it: trimmed, runs of whitespace as one space, a trailing comment dropped. The
     * feed reader asks {@link #recognised} for every item of every fetch, so the patterns are compiled once.
     */
    private static String cleaned(String raw) {
        return TRAILING_COMMENT.matcher(WHITESPACE.matcher(raw.trim()).replaceAll(" ")).replaceFirst("");
    }

    private static Instant iso(Matcher m) {
        LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
        LocalTime time = LocalTime.MIDNIGHT;
        if (m.group(4) != null) {
            int nanos = 0;
            if (m.group(7) != null) {
                String frac = (m.group(7) + "000000000").substring(0, 9);
                nanos = Integer.parseInt(frac);
            }
            time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
        }
        Integer offset = offsetMinutes(m.group(8), false);
        return offset == null ? null : LocalDateTime.of(date, time).toInstant(ZoneOffset.ofTotalSeconds(offset * 60));
    }

    private static Instant rfc822(Matcher m) {
        int month = month(m.group(2));
        if (month == 0) {
            return null;
        }
        int year = Integer.parseInt(m.group(3));
        if (m.group(3).length() == 2) {
            year += year < 50 ? 2000 : 1900;
        }
        return at(year, month, Integer.parseInt(m.group(1)), m.group(4), m.group(5), m.group(6), null, m.group(7));
    }

    private static Instant monthFirst(Matcher m) {
        int month = month(m.group(1));
        if (month == 0) {
            return null;
        }
        return at(Integer.parseInt(m.group(3)), month, Integer.parseInt(m.group(2)), m.group(4), m.group(5),
                m.group(6), m.group(7), m.group(8));
    }

    private static Instant asctime(Matcher m) {
        int month = month(m.group(1));
        if (month == 0) {
            return null;
        }
        return at(Integer.parseInt(m.group(7)), month, Integer.parseInt(m.group(2)), m.group(3), m.group(4),
                m.group(5), null, m.group(6) == null ? "" : m.group(6));
    }

    /** A date and an optional time ({@code hour} null for midnight), with an optional AM/PM marker and a zone. */
    private static Instant at(int year, int month, int day, String hour, String minute, String second,
                              String amPm, String zone) {
        int h = hour == null ? 0 : Integer.parseInt(hour);
        if (amPm != null) {
            if (h < 1 || h > 12) {
                return null;
            }
            h = h % 12 + (amPm.equalsIgnoreCase("pm") ? 12 : 0);
        }
        LocalDateTime ldt = LocalDateTime.of(year, month, day, h, minute == null ? 0 : Integer.parseInt(minute),
                second == null ? 0 : Integer.parseInt(second));
        Integer offset = offsetMinutes(zone, true);
        return offset == null ? null : ldt.toInstant(ZoneOffset.ofTotalSeconds(offset * 60));
    }

    private static Integer offsetMinutes(String zoneText, boolean allowMilitary) {
        String z = zoneText.trim().toUpperCase(Locale.ROOT);
        if (z.isEmpty()) {
            return 0;
        }
        Matcher num = NUMERIC_OFFSET.matcher(z);
        if (num.matches()) {
            int hours = Integer.parseInt(num.group(2));
            int minutes = num.group(3) == null ? 0 : Integer.parseInt(num.group(3));
            if (hours > 18 || minutes > 59) {
                return null;
            }
            int total = hours * 60 + minutes;
            return num.group(1).equals("-") ? -total : total;
        }
        Integer named = ZONES.get(z);
        if (named != null) {
            return named;
        }
        if (allowMilitary && z.length() == 1 && z.charAt(0) >= 'A' && z.charAt(0) <= 'Y' && z.charAt(0) != 'J') {
            return 0;
        }
        return null;
    }

    private static int month(String name) {
        if (name.length() < 3) {
            return 0;
        }
        return switch (name.substring(0, 3).toLowerCase(Locale.ROOT)) {
            case "jan" -> 1;
            case "feb" -> 2;
            case "mar" -> 3;
            case "apr" -> 4;
            case "may" -> 5;
            case "jun" -> 6;
            case "jul" -> 7;
            case "aug" -> 8;
            case "sep" -> 9;
            case "oct" -> 10;
            case "nov" -> 11;
            case "dec" -> 12;
            default -> 0;
        };
    }
}
