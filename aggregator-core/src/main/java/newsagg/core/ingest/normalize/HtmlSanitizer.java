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
    private final Safelist safelist;

    HtmlSanitizer() {
        safelist = Safelist.relaxed()
                .removeProtocols("a", "href", "ftp")
                .addEnforcedAttribute("a", "rel", "nofollow noopener noreferrer");
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
