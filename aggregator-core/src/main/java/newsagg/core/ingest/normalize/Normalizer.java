package newsagg.core.ingest.normalize;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import newsagg.core.domain.Article;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.parse.ParsedFeed;
import newsagg.core.ingest.parse.RawEntry;
import org.jsoup.Jsoup;

/**
 * Turns a {@link ParsedFeed} into {@link NewArticle}s: plain-text titles (derived from the summary when
 * missing), http(s) links resolved against {@code xml:base}, the site link or the feed URL, allowlist-
 * sanitized content with relative URLs made absolute, a plain-text summary of at most
 * {@link Article#SUMMARY_MAX_CHARS} characters, dates parsed leniently and never later than the fetch
 * time, bounded authors and categories, and a bounded dedupe key ({@code g:}/{@code l:}/{@code h:}
 * followed by a base64url SHA-256 of the GUID, link or title+content). Entries with the same key
 * collapse to the first. Thread-safe once constructed.
 */
public final class Normalizer {
    static final int DERIVED_TITLE_CHARS = 80;
    static final int MAX_TITLE_CHARS = 1000;
    static final int MAX_GUID_CHARS = 2000;
    static final int MAX_AUTHOR_CHARS = 200;
    static final int MAX_CATEGORIES = 20;
    static final int MAX_CATEGORY_CHARS = 100;
    static final String UNTITLED = "(untitled)";

    private final HtmlSanitizer sanitizer = new HtmlSanitizer();

    /**
     * Normalizes every entry of a feed.
     *
     * @param feed      the parsed feed
     * @param feedUrl   the final URL the feed was fetched from (after redirects), the base of last resort
     * @param fetchedAt the fetch time: the date of undated entries and the ceiling for future dates
     * @return articles in feed order, one per dedupe key
     */
    public List<NewArticle> normalize(ParsedFeed feed, URI feedUrl, Instant fetchedAt) {
        return normalizeFeed(feed, feedUrl, fetchedAt).articles();
    }

    /**
     * Normalizes every entry of a feed, as {@link #normalize}, and the feed's own title (plain text) and site link
     * (resolved against the feed URL, http(s) only).
     */
    public NormalizedFeed normalizeFeed(ParsedFeed feed, URI feedUrl, Instant fetchedAt) {
        Objects.requireNonNull(feedUrl, "feedUrl");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        URI site = Urls.resolveHttp(feedUrl, feed.siteUrl());
        Map<String, NewArticle> byKey = new LinkedHashMap<>();
        for (RawEntry entry : feed.entries()) {
            NewArticle article = normalize(entry, feedUrl, site, fetchedAt);
            byKey.putIfAbsent(article.dedupeKey(), article);
        }
        return new NormalizedFeed(plainTitle(feed.title()), site == null ? null : site.toString(),
                List.copyOf(byKey.values()));
    }

    private NewArticle normalize(RawEntry e, URI feedUrl, URI site, Instant fetchedAt) {
        URI base = Urls.entryBase(feedUrl, site, e.xmlBases());
        URI link = Urls.resolveHttp(base, e.link());
        String url = link == null ? null : link.toString();

        String contentSource = notBlank(e.contentHtml()) ? e.contentHtml() : e.summaryHtml();
        String summarySource = notBlank(e.summaryHtml()) ? e.summaryHtml() : e.contentHtml();
        String contentHtml = sanitizer.sanitize(contentSource, base);
        String summaryHtml = Objects.equals(summarySource, contentSource) ? contentHtml
                : sanitizer.sanitize(summarySource, base);
        String summary = Text.truncate(HtmlSanitizer.text(summaryHtml), Article.SUMMARY_MAX_CHARS);

        String title = title(e.title(), summary);
        String guid = notBlank(e.id()) ? Text.clip(e.id().strip(), MAX_GUID_CHARS) : null;
        String key = dedupeKey(e.id(), url, title, contentHtml);
        return new NewArticle(key, guid, url, title, summary, contentHtml, author(e.authors()),
                publishedAt(e.dateText(), e.parsedDate(), fetchedAt), fetchedAt, categories(e.categories()));
    }

    /** The title as plain text; when empty, the start of the summary; else "(untitled)". */
    static String title(String raw, String summary) {
        String t = plainTitle(raw);
        if (t != null) {
            return t;
        }
        if (!summary.isEmpty()) {
            return Text.truncate(summary, DERIVED_TITLE_CHARS);
        }
        return UNTITLED;
    }

    /** A title as plain text, at most {@value #MAX_TITLE_CHARS} characters; null when it is absent or blank. */
    static String plainTitle(String raw) {
        String t = raw == null ? "" : Text.collapse(raw.indexOf('<') >= 0 || raw.indexOf('&') >= 0
                ? Jsoup.parseBodyFragment(raw).text() : raw);
        return t.isEmpty() ? null : Text.truncate(t, MAX_TITLE_CHARS);
    }

    /** The publication time: parsed text, else the library's parse, else the fetch time; never after fetch. */
    static Instant publishedAt(String dateText, Instant libraryDate, Instant fetchedAt) {
        Instant parsed = DateParser.parse(dateText);
        Instant when = parsed != null ? parsed : libraryDate != null ? libraryDate : fetchedAt;
        return when.isAfter(fetchedAt) ? fetchedAt : when;
    }

    /** {@code g:} + hash of the trimmed GUID, else {@code l:} + hash of the resolved link, else {@code h:} + hash of title and content. */
    static String dedupeKey(String guid, String resolvedUrl, String title, String contentHtml) {
        if (notBlank(guid)) {
            return "g:" + sha256(guid.strip());
        }
        if (resolvedUrl != null) {
            return "l:" + sha256(resolvedUrl);
        }
        return "h:" + sha256(title + "\u0000" + contentHtml);
    }

    private static String author(List<String> authors) {
        List<String> names = new ArrayList<>();
        for (String a : authors) {
            String n = Text.collapse(a.indexOf('<') >= 0 || a.indexOf('&') >= 0 ? Jsoup.parseBodyFragment(a).text() : a);
            if (!n.isEmpty() && !names.contains(n)) {
                names.add(n);
            }
        }
        return names.isEmpty() ? null : Text.truncate(String.join(", ", names), MAX_AUTHOR_CHARS);
    }

    static List<String> categories(List<String> raw) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String c : raw) {
            // Plain text like titles: a category is shown to readers, and feeds put markup (even <img onerror>) in it.
            String v = Text.clip(Text.collapse(c.indexOf('<') >= 0 || c.indexOf('&') >= 0 ? Jsoup.parseBodyFragment(c).text() : c),
                    MAX_CATEGORY_CHARS).strip();
            if (!v.isEmpty() && seen.add(v.toLowerCase(Locale.ROOT))) {
                out.add(v);
                if (out.size() == MAX_CATEGORIES) {
                    break;
                }
            }
        }
        return out;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String sha256(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
