package newsagg.http;

/**
 * Makes text that a client chose safe to put in a log line: control characters (a newline would start a forged
 * line) are escaped as {@code \n}, {@code \r}, {@code \t} or {@code \u0001}, and anything past {@link #MAX_CHARS}
 * characters is cut and counted. Exceptions get the same treatment, message by message, so that a stack trace can
 * still be logged for a real bug without carrying raw request text.
 */
final class LogText {

    /** The longest piece of client text put in a log line. */
    static final int MAX_CHARS = 200;
    private static final int MAX_CAUSES = 8;

    private LogText() {
    }

    static String safe(String text) {
        if (text == null) {
            return "null";
        }
        int end = Math.min(text.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(end + 16);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > end) {
            out.append("…(").append(text.length() - end).append(" more)");
        }
        return out.toString();
    }

    /** A copy of {@code error} and its causes with the same stack traces and every message made {@link #safe}. */
    static Throwable safe(Throwable error) {
        return copy(error, 0);
    }

    private static Throwable copy(Throwable error, int depth) {
        Throwable cause = error.getCause();
        Throwable safeCause = cause != null && cause != error && depth < MAX_CAUSES ? copy(cause, depth + 1) : null;
        Throwable copy = new Logged(error.getClass().getName() + ": " + safe(error.getMessage()), safeCause);
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    /** Carries an exception's class name and safe message in its own message, and its frames. */
    private static final class Logged extends RuntimeException {
        Logged(String message, Throwable cause) {
            super(message, cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
