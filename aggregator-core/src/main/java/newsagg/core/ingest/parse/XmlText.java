package newsagg.core.ingest.parse;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prepares decoded text for the XML parser: strips characters XML 1.0 forbids (and numeric references
 * to them), rewrites the XML declaration without its {@code encoding} (the text is already decoded, and
 * a stale label must not confuse the parser), and deals with the DOCTYPE: an HTML doctype means "not a
 * feed", a DOCTYPE with an internal subset (where entities are declared) is refused, and a bare external
 * DOCTYPE (the old Netscape RSS 0.91 one) is dropped since it is never loaded anyway.
 */
final class XmlText {
    private static final Pattern XML_DECL = Pattern.compile("^\\s*<\\?xml\\s[^>]*?\\?>");
    private static final Pattern INVALID_CHAR_REF = Pattern.compile(
            "&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF]|[dD][89a-fA-F][0-9a-fA-F]{2})"
                    + "|0*(?:[0-8]|1[12]|1[4-9]|2[0-9]|3[01]|6553[45]|5[5-7][0-9]{3}))\\s*;");
    private static final Pattern DOCTYPE = Pattern.compile("<!DOCTYPE\\s+([^\\s>\\[]+)", Pattern.CASE_INSENSITIVE);
    private static final int PROLOG_SCAN_CHARS = 4096;
    private static final int INTERNAL_SUBSET = -2;

    private XmlText() {
    }

    static String prepare(String text) throws FeedParseException {
        String s = stripInvalidChars(text.startsWith("\uFEFF") ? text.substring(1) : text);
        s = INVALID_CHAR_REF.matcher(s).replaceAll("");
        Matcher decl = XML_DECL.matcher(s);
        s = decl.find() ? "<?xml version=\"1.0\"?>" + s.substring(decl.end()) : s.stripLeading();
        return handleDoctype(s);
    }

    private static String handleDoctype(String s) throws FeedParseException {
        Matcher m = DOCTYPE.matcher(s);
        if (!m.find() || m.start() > PROLOG_SCAN_CHARS || startsAfterRoot(s, m.start())) {
            return s;
        }
        if (m.group(1).toLowerCase(Locale.ROOT).equals("html")) {
            throw new FeedParseException("not a feed: looks like an HTML page");
        }
        int end = doctypeEnd(s, m.end());
        if (end == INTERNAL_SUBSET) {
            throw new FeedParseException("refused: the document declares a DTD with an internal subset "
                    + "(entity declarations are not processed for safety)");
        }
        if (end < 0) {
            throw new FeedParseException("malformed XML: unterminated DOCTYPE declaration");
        }
        return s.substring(0, m.start()) + s.substring(end + 1);
    }

    private static boolean startsAfterRoot(String s, int doctypeStart) {
        for (int i = 0; i < doctypeStart; i++) {
            if (s.charAt(i) == '<' && i + 1 < s.length()) {
                char c = s.charAt(i + 1);
                if (c != '?' && c != '!') {
                    return true;
                }
            }
        }
        return false;
    }

    private static int doctypeEnd(String s, int from) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                return INTERNAL_SUBSET;
            } else if (c == '>') {
                return i;
            }
        }
        return -1;
    }

    static String stripInvalidChars(String s) {
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c)) {
                ok = i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
                if (ok) {
                    if (out != null) {
                        out.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            }
            if (!ok && out == null) {
                out = new StringBuilder(n).append(s, 0, i);
            } else if (ok && out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
