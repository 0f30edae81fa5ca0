package newsagg.core.ingest.normalize;

import java.net.URI;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * Allowlist HTML sanitizer built on jsoup's {@link Safelist#relaxed()}: links may only point to
 * http(s) or mailto, images only to http(s), and every link gets {@code rel="nofollow noopener
 * noreferrer"}. Relative {@code href}/{@code src} values are resolved against the entry's base before
 * the protocol check, so a relative link survives as an absolute one. Script and style elements are
 * removed with their contents (jsoup would otherwise keep their text).
 */
final class HtmlSanitizer {
    private static final double[] CUT_FRACTIONS = {0.95, 0.8, 0.5};

    private final Safelist safelist;

    HtmlSanitizer() {
        safelist = Safelist.relaxed()
                .removeProtocols("a", "href", "ftp")
                .addEnforcedAttribute("a", "rel", "nofollow noopener noreferrer");
    }

    /**
     * Sanitized HTML of at most {@code maxBytes} bytes of UTF-8, or "" for null or blank input. Longer output is cut
     * and sanitized again, so the result is always well-formed: the cut falls before a tag or entity that it would
     * split and never between the halves of a surrogate pair, and the elements still open there are closed.
     */
    String sanitize(String html, URI base, int maxBytes) {
        String clean = sanitize(html, base);
        int bytes = utf8Length(clean);
        for (int attempt = 0; bytes > maxBytes && attempt < CUT_FRACTIONS.length; attempt++) {
            // Closing the elements open at the cut adds bytes, hence the margin and, rarely, a second attempt.
            int target = (int) ((double) clean.length() * maxBytes / bytes * CUT_FRACTIONS[attempt]);
            clean = sanitize(safePrefix(clean, target), base);
            bytes = utf8Length(clean);
        }
        return bytes <= maxBytes ? clean : "";
    }

    /** The longest prefix of {@code html} of at most {@code max} characters that ends outside any tag or entity. */
    static String safePrefix(String html, int max) {
        if (html.length() <= max) {
            return html;
        }
        int cut = max;
        if (cut > 0 && Character.isHighSurrogate(html.charAt(cut - 1))) {
            cut--;
        }
        int lt = html.lastIndexOf('<', cut - 1);
        if (lt >= 0 && html.lastIndexOf('>', cut - 1) < lt) {
            cut = lt;
        }
        int amp = html.lastIndexOf('&', cut - 1);
        if (amp >= 0 && html.lastIndexOf(';', cut - 1) < amp) {
            cut = amp;
        }
        return html.substring(0, Math.max(cut, 0));
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Sanitized HTML, or "" for null or blank input. */
    String sanitize(String html, URI base) {
        if (html == null || html.isBlank()) {
            return "";
        }
        Document dirty = Jsoup.parseBodyFragment(html, base == null ? "" : base.toString());
        dirty.select("script, style, noscript, template, iframe, object, embed").remove();
        Document clean = new Cleaner(safelist).clean(dirty);
        clean.outputSettings().prettyPrint(false);
        return clean.body().html().strip();
    }

    /** The plain text of an HTML fragment, whitespace collapsed. */
    static String text(String html) {
        if (html == null || html.isBlank()) {
            return "";
        }
        return Text.collapse(Jsoup.parseBodyFragment(html).text());
    }
}
