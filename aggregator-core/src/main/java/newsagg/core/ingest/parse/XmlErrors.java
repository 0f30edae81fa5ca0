package newsagg.core.ingest.parse;

/**
 * Turns an XML parser's message into the short plain sentence a source's last error may show: the parser's own
 * location prefix and line breaks removed, at most {@value #MAX_CHARS} characters.
 */
final class XmlErrors {
    static final int MAX_CHARS = 160;
    private static final String STAX_MESSAGE = "Message: ";

    private XmlErrors() {
    }

    static String plain(String message) {
        if (message == null || message.isBlank()) {
            return "the document is not well-formed";
        }
        String m = message;
        int at = m.indexOf(STAX_MESSAGE);
        if (at >= 0) {
            m = m.substring(at + STAX_MESSAGE.length());
        }
        String one = m.replaceAll("\\s+", " ").trim();
        return one.length() <= MAX_CHARS ? one : one.substring(0, MAX_CHARS) + "…";
    }
}
