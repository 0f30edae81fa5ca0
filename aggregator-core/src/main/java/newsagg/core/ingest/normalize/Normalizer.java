package newsagg.core.ingest.normalize;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import newsagg.core.domain.DroppedItems;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.normalize.FeedPipeline.NormalizedFeed;
import newsagg.core.ingest.parse.DateParser;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParseLimits.ParseDeadline;
import newsagg.core.ingest.parse.ParsedFeed;
import newsagg.core.ingest.parse.ParsedFeed.RawEntry;
import org.jsoup.Jsoup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link ParsedFeed} into {@link NewArticle}s: plain-text titles (derived from the summary when
 * missing), http(s) links resolved against {@code xml:base}, the site link or the feed URL, allowlist-
 * sanitized content with relative URLs made absolute (at most {@link NewArticle#CONTENT_HTML_MAX_BYTES} bytes of UTF-8,
 * cut between elements), a plain-text summary of at most
 * {@link NewArticle#SUMMARY_MAX_CHARS} characters, dates parsed leniently and never later than the fetch
 * time, bounded authors and categories, and a bounded dedupe key ({@code g:}/{@code l:}/{@code h:}
 * followed by a base64url SHA-256 of the GUID, link or title+content; a GUID that items with different links share
 * in one feed is hashed with each item's link). Entries with the same key collapse to the first. Thread-safe once constructed.
 */
final class Normalizer {
    static final int DERIVED_TITLE_CHARS = 80;
    static final int MAX_TITLE_CHARS = 1000;
    static final int MAX_GUID_CHARS = 2000;
    static final int MAX_AUTHOR_CHARS = 200;
    static final int MAX_CATEGORIES = 20;
    static final int MAX_CATEGORY_CHARS = 100;
    /** How much of the sanitized HTML the plain-text summary is taken from. */
    static final int SUMMARY_SOURCE_CHARS = 64 * 1024;
    static final String UNTITLED = "(untitled)";
    /**
     * Dates before this are read as mistakes (a two-digit year taken as year 20, a negative year from a lenient
     * parse), not as publication times: no web feed predates it.
     */
    static final Instant EARLIEST_DATE = Instant.parse("1900-01-01T00:00:00Z");

    private static final Logger LOG = LoggerFactory.getLogger(Normalizer.class);

    private final HtmlSanitizer sanitizer = new HtmlSanitizer();
    private final RecentEntries recent = new RecentEntries();

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
        try {
            return normalizeFeed(feed, feedUrl, fetchedAt, null);
        } catch (FeedParseException e) {
            throw new IllegalStateException("no deadline was set, so none can pass", e);
        }
    }

    /**
     * As {@link #normalizeFeed(ParsedFeed, URI, Instant)}, checking {@code deadline} (when not null) before each entry.
     * An entry whose normalization fails is dropped and counted as {@link DroppedItems.Reason#UNREADABLE}; the others
     * are kept.
     *
     * @throws FeedParseException when the deadline passes
     */
    NormalizedFeed normalizeFeed(ParsedFeed feed, URI feedUrl, Instant fetchedAt, ParseDeadline deadline)
            throws FeedParseException {
        Objects.requireNonNull(feedUrl, "feedUrl");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        URI site = Urls.resolveHttp(feedUrl, feed.siteUrl());
        List<NewArticle> all = new ArrayList<>(feed.entries().size());
        int unreadable = 0;
        for (RawEntry entry : feed.entries()) {
            if (deadline != null) {
                deadline.check();
            }
            try {
                all.add(normalize(entry, feedUrl, site, fetchedAt));
            } catch (RuntimeException | StackOverflowError e) {
                // One entry that cannot be normalized must not cost the feed its other entries.
                LOG.debug("dropped an entry of {} that could not be normalized: {}", feedUrl, e.toString());
                unreadable++;
            }
        }
        Set<String> sharedGuids = guidsWithSeveralLinks(all);
        Map<String, NewArticle> byKey = new LinkedHashMap<>();
        for (NewArticle article : all) {
            NewArticle keyed = sharedGuids.contains(article.dedupeKey()) && article.url() != null
                    ? withKey(article, "g:" + sha256(article.guid() + "\u0000" + article.url())) : article;
            byKey.putIfAbsent(keyed.dedupeKey(), keyed);
        }
        DroppedItems dropped = unreadable == 0 ? feed.dropped()
                : feed.dropped().plus(DroppedItems.of(DroppedItems.Reason.UNREADABLE, unreadable));
        return new NormalizedFeed(plainTitle(feed.title()), site == null ? null : site.toString(),
                List.copyOf(byKey.values()), dropped);
    }

    /** The entry as normalized for this fetch: from {@link RecentEntries} when it was normalized before. */
    private NewArticle normalize(RawEntry e, URI feedUrl, URI site, Instant fetchedAt) {
        RecentEntries.Key key = new RecentEntries.Key(e, feedUrl, site);
        RecentEntries.Normalized known = recent.get(key);
        if (known == null) {
            Instant feedDate = feedDate(e.dateText(), e.parsedDate());
            known = new RecentEntries.Normalized(normalizeEntry(e, feedUrl, site, feedDate, fetchedAt), feedDate);
            recent.put(key, known);
            return known.article();
        }
        NewArticle a = known.article();
        return new NewArticle(a.dedupeKey(), a.guid(), a.url(), a.title(), a.summary(), a.contentHtml(), a.author(),
                publishedAt(known.feedDate(), fetchedAt), fetchedAt, a.categories());
    }

    private NewArticle normalizeEntry(RawEntry e, URI feedUrl, URI site, Instant feedDate, Instant fetchedAt) {
        URI base = Urls.entryBase(feedUrl, site, withInner(e.xmlBases(), e.contentBase()));
        URI link = Urls.resolveHttp(Urls.entryBase(feedUrl, site, withInner(e.xmlBases(), e.linkBase())), e.link());
        String url = link == null ? null : link.toString();

        String contentSource = notBlank(e.contentHtml()) ? e.contentHtml() : e.summaryHtml();
        String summarySource = notBlank(e.summaryHtml()) ? e.summaryHtml() : e.contentHtml();
        String contentHtml = sanitizer.sanitize(contentSource, base, NewArticle.CONTENT_HTML_MAX_BYTES);
        String summaryHtml = Objects.equals(summarySource, contentSource) ? contentHtml
                : sanitizer.sanitize(summarySource, base, NewArticle.CONTENT_HTML_MAX_BYTES);
        // The summary is 500 characters of text: reading a megabyte of content for it would only cost memory.
        String summary = Text.truncate(HtmlSanitizer.text(HtmlSanitizer.safePrefix(summaryHtml, SUMMARY_SOURCE_CHARS)),
                NewArticle.SUMMARY_MAX_CHARS);

        String title = title(e.title(), summary);
        String guid = notBlank(e.id()) ? Text.clip(e.id().strip(), MAX_GUID_CHARS) : null;
        String key = dedupeKey(e.id(), url, title, contentHtml);
        return new NewArticle(key, guid, url, title, summary, contentHtml, author(e.authors()),
                publishedAt(feedDate, fetchedAt), fetchedAt, categories(e.categories()));
    }

    /**
     * The GUID keys that, in this feed, belong to items with different links: such a GUID does not identify one
     * article (generators that give every item the site's URL as GUID do this), so its items are told apart by GUID
     * and link together.
     */
    private static Set<String> guidsWithSeveralLinks(List<NewArticle> articles) {
        Map<String, String> firstLink = new HashMap<>();
        Set<String> shared = new HashSet<>();
        for (NewArticle a : articles) {
            if (a.dedupeKey().startsWith("g:") && a.url() != null) {
                String seen = firstLink.putIfAbsent(a.dedupeKey(), a.url());
                if (seen != null && !seen.equals(a.url())) {
                    shared.add(a.dedupeKey());
                }
            }
        }
        return shared;
    }

    private static NewArticle withKey(NewArticle a, String key) {
        return new NewArticle(key, a.guid(), a.url(), a.title(), a.summary(), a.contentHtml(), a.author(),
                a.publishedAt(), a.fetchedAt(), a.categories());
    }

    /** The item's {@code xml:base} chain with an element's own base last (RFC 3986 resolution in order). */
    private static List<String> withInner(List<String> itemBases, String inner) {
        if (inner == null) {
            return itemBases;
        }
        List<String> all = new ArrayList<>(itemBases);
        all.add(inner);
        return all;
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
        String t = plainText(raw);
        return t.isEmpty() ? null : Text.truncate(t, MAX_TITLE_CHARS);
    }

    /**
     * Text that may be HTML, as plain text. When reading it as HTML leaves nothing although it is not blank (a title
     * that is only {@code <>} or {@code <untitled>}), the angle brackets were meant literally, and the text is kept as
     * written.
     */
    private static String plainText(String raw) {
        if (raw == null) {
            return "";
        }
        if (raw.indexOf('<') < 0 && raw.indexOf('&') < 0) {
            return Text.collapse(raw);
        }
        String text = Text.collapse(Jsoup.parseBodyFragment(raw).text());
        return text.isEmpty() ? Text.collapse(raw) : text;
    }

    /**
     * The publication time the feed gives, before the fetch time bounds it ({@link #publishedAt}): the parsed text,
     * else (when the text is not a date shape this parser knows) the library's parse; null when there is none, and an
     * impossible date (day 99, hour 25) or one before {@link #EARLIEST_DATE} counts as none.
     */
    static Instant feedDate(String dateText, Instant libraryDate) {
        Instant parsed = DateParser.parse(dateText);
        Instant when = parsed != null ? parsed : DateParser.recognised(dateText) ? null : libraryDate;
        return when == null || when.isBefore(EARLIEST_DATE) ? null : when;
    }

    /**
     * The publication time stored for a fetch at {@code fetchedAt}: the feed's date ({@link #feedDate}), never after the
     * fetch time; the fetch time when the feed gives none. Every result is a timestamp PostgreSQL can hold.
     */
    static Instant publishedAt(Instant feedDate, Instant fetchedAt) {
        return feedDate == null || feedDate.isAfter(fetchedAt) ? fetchedAt : feedDate;
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
            String n = plainText(a);
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
