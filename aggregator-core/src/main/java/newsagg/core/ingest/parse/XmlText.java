package newsagg.core.ingest.parse;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import org.jsoup.nodes.Entities;

/**
 * Prepares decoded text for the XML parser: strips characters XML 1.0 forbids (and numeric references
 * to them), makes HTML entity references and bare ampersands well-formed ({@link #fixReferences}), rewrites the XML declaration without its {@code encoding} (the text is already decoded, and
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
    private static final int MAX_REFERENCE_CHARS = 40;
    private static final Pattern ROOT_ELEMENT = Pattern.compile("<([A-Za-z][\\w.-]*:)?([A-Za-z][\\w.-]*)");
    private static final Set<String> FEED_ROOTS = Set.of("rss", "feed", "rdf");
    private static final Set<String> XML_ENTITIES = Set.of("amp", "lt", "gt", "quot", "apos");
    /** What Windows-1252 puts at 0x80–0x9F; 0 where it has nothing (the reference is then kept as written). */
    private static final char[] WINDOWS_1252_C1 = {
        '\u20AC', 0, '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', 0, '\u017D', 0,
        0, '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', 0, '\u017E', '\u0178'};

    private XmlText() {
    }

    static String prepare(String text) throws FeedParseException {
        String s = stripInvalidChars(text.startsWith("\uFEFF") ? text.substring(1) : text);
        s = INVALID_CHAR_REF.matcher(fixReferences(s)).replaceAll("");
        Matcher decl = XML_DECL.matcher(s);
        s = decl.find() ? "<?xml version=\"1.0\"?>" + s.substring(decl.end()) : s.stripLeading();
        return handleDoctype(s);
    }

    private static String handleDoctype(String s) throws FeedParseException {
        Matcher m = doctype(s);
        if (m == null || startsAfterRoot(s, m.start())) {
            return s;
        }
        int end = doctypeEnd(s, m.end());
        boolean html = m.group(1).toLowerCase(Locale.ROOT).equals("html");
        if (html && !rootIsFeed(s, end)) {
            throw new FeedParseException("not a feed: looks like an HTML page");
        }
        if (end == INTERNAL_SUBSET) {
            throw new FeedParseException("refused: the document declares a DTD with an internal subset "
                    + "(entity declarations are not processed for safety)");
        }
        if (end < 0) {
            throw new FeedParseException("malformed XML: unterminated DOCTYPE declaration");
        }
        return s.substring(0, m.start()) + s.substring(end + 1);
    }

    /**
     * The first DOCTYPE match, when it starts within the first {@link #PROLOG_SCAN_CHARS}; else null. Only the places
     * where a match can start (a {@code <}) within that prefix are tried: a search of the whole document, case
     * insensitive, was a seventh of the time of parsing a 50-item feed (docs/PERFORMANCE.md, sixth round).
     */
    private static Matcher doctype(String s) {
        Matcher m = DOCTYPE.matcher(s);
        for (int i = s.indexOf('<'); i >= 0 && i <= PROLOG_SCAN_CHARS; i = s.indexOf('<', i + 1)) {
            if (m.region(i, s.length()).lookingAt()) {
                return m;
            }
        }
        return null;
    }

    /**
     * Whether the root element after a DOCTYPE is a feed's: an XHTML DOCTYPE written before {@code <rss>} (some
     * generators do) is harmless and removed like any external one, while before {@code <html>} it is a web page.
     */
    private static boolean rootIsFeed(String s, int doctypeEnd) {
        if (doctypeEnd < 0) {
            return false;
        }
        Matcher root = ROOT_ELEMENT.matcher(s);
        return root.find(doctypeEnd) && FEED_ROOTS.contains(root.group(2).toLowerCase(Locale.ROOT));
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

    /**
     * Makes the references of feeds written as HTML well-formed XML, in one pass that leaves CDATA sections and
     * comments alone: an HTML named entity ({@code &nbsp;}, {@code &eacute;}) becomes the numeric reference of its
     * characters, a bare {@code &} that starts no reference becomes {@code &amp;}, and a numeric reference to
     * 128–159 becomes the Windows-1252 character it means ({@code &#146;} is ’), as browsers, feedparser and gofeed
     * read it, since those code points are C1 controls no text means.
     */
    static String fixReferences(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 64);
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '<' && s.startsWith("<![CDATA[", i)) {
                i = copyThrough(s, i, "]]>", out);
            } else if (c == '<' && s.startsWith("<!--", i)) {
                i = copyThrough(s, i, "-->", out);
            } else if (c == '&') {
                i = reference(s, i, out);
            } else {
                int next = nextSpecial(s, i);
                out.append(s, i, next);
                i = next;
            }
        }
        return out.toString();
    }

    private static int nextSpecial(String s, int from) {
        int i = from + 1;
        while (i < s.length() && s.charAt(i) != '&' && s.charAt(i) != '<') {
            i++;
        }
        return i;
    }

    private static int copyThrough(String s, int from, String end, StringBuilder out) {
        int stop = s.indexOf(end, from);
        int to = stop < 0 ? s.length() : stop + end.length();
        out.append(s, from, to);
        return to;
    }

    /** Writes the reference at {@code amp} (or an escaped ampersand) and returns the index after what it read. */
    private static int reference(String s, int amp, StringBuilder out) {
        int semi = -1;
        for (int j = amp + 1; j < s.length() && j <= amp + MAX_REFERENCE_CHARS; j++) {
            char c = s.charAt(j);
            if (c == ';') {
                semi = j;
                break;
            }
            if (!Character.isLetterOrDigit(c) && c != '#') {
                break;
            }
        }
        if (semi < 0) {
            out.append("&amp;");
            return amp + 1;
        }
        String name = s.substring(amp + 1, semi);
        if (name.startsWith("#")) {
            int code = numericReference(name);
            if (code >= 0x80 && code <= 0x9F && WINDOWS_1252_C1[code - 0x80] != 0) {
                out.append("&#").append((int) WINDOWS_1252_C1[code - 0x80]).append(';');
            } else if (code >= 0) {
                out.append(s, amp, semi + 1);
            } else {
                out.append("&amp;").append(s, amp + 1, semi + 1);
            }
        } else if (XML_ENTITIES.contains(name)) {
            out.append(s, amp, semi + 1);
        } else if (Entities.isNamedEntity(name)) {
            Entities.getByName(name).codePoints().forEach(cp -> out.append("&#").append(cp).append(';'));
        } else {
            out.append("&amp;").append(s, amp + 1, semi + 1);
        }
        return semi + 1;
    }

    /** The code point of {@code #123} or {@code #x7B}; -1 when it is not a number. */
    private static int numericReference(String name) {
        try {
            boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
            String digits = name.substring(hex ? 2 : 1);
            if (digits.isEmpty() || digits.length() > 8) {
                return -1;
            }
            return Integer.parseInt(digits, hex ? 16 : 10);
        } catch (NumberFormatException e) {
            return -1;
        }
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
