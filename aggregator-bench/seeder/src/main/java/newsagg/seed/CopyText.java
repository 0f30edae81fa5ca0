package newsagg.seed;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes rows in PostgreSQL's COPY text format: fields separated by tabs, rows ended by newlines, {@code \N} for
 * NULL, and backslash, tab, newline and carriage return escaped with a backslash. Arrays are written as fully quoted
 * array literals, which are then escaped like any other field.
 */
final class CopyText {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'+00'")
            .withZone(ZoneOffset.UTC);

    private final StringBuilder out;
    private boolean rowStarted;

    CopyText(StringBuilder out) {
        this.out = out;
    }

    CopyText text(String value) {
        separate();
        if (value == null) {
            out.append("\\N");
        } else {
            escape(value, out);
        }
        return this;
    }

    CopyText number(long value) {
        separate();
        out.append(value);
        return this;
    }

    CopyText timestamp(Instant value) {
        separate();
        if (value == null) {
            out.append("\\N");
        } else {
            TIMESTAMP.formatTo(value, out);
        }
        return this;
    }

    CopyText textArray(List<String> values) {
        return text(arrayLiteral(values));
    }

    void endRow() {
        out.append('\n');
        rowStarted = false;
    }

    /** A text[] literal with every element double-quoted, so commas, braces, spaces and the word NULL stay data. */
    static String arrayLiteral(List<String> values) {
        StringBuilder literal = new StringBuilder(16 * values.size() + 2).append('{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                literal.append(',');
            }
            literal.append('"');
            String value = values.get(i);
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                if (ch == '"' || ch == '\\') {
                    literal.append('\\');
                }
                literal.append(ch);
            }
            literal.append('"');
        }
        return literal.append('}').toString();
    }

    static void escape(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
    }

    private void separate() {
        if (rowStarted) {
            out.append('\t');
        }
        rowStarted = true;
    }
}
