package newsagg.core.ingest;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import newsagg.core.ingest.Opml.OpmlDocument;
import newsagg.core.ingest.Subscriptions.OpmlImportResult;
import newsagg.core.ingest.fetch.FeedUrls;

/**
 * Adds the feeds of an {@link OpmlDocument} as sources, for {@link Subscriptions}, which checks each feed URL
 * ({@link FeedUrls#parse} and, unless private networks are allowed, {@link FeedUrls#requirePublicHost}, which
 * resolves the host: a large list costs one DNS lookup per feed), creates the source and tells its listener once
 * per import. URLs are stored normalized, so {@code HTTP://Example.org:80/feed} and
 * {@code http://example.org/feed} are the same source. A feed whose URL is already a source, including one listed
 * twice in the same file, is skipped; one with a bad URL is counted as invalid and the import goes on. The outline's
 * title and site URL are kept when present; a site URL that is not http(s) is dropped. Thread-safe.
 */
final class OpmlImporter {

    /** The most refused feeds listed in a result; all of them are counted. */
    static final int MAX_REPORTED_INVALID = 100;

    private static final int MAX_REPORTED_URL_CHARS = 300;

    private final Subscriptions subscriptions;
    private final boolean checkHosts;

    /**
     * @param subscriptions where feed URLs are checked and sources created
     * @param checkHosts    when true, feeds whose host is not public (or does not resolve) are invalid
     */
    OpmlImporter(Subscriptions subscriptions, boolean checkHosts) {
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.checkHosts = checkHosts;
    }

    /** Imports every feed of the document, in document order. */
    OpmlImportResult importDocument(OpmlDocument document) {
        int added = 0;
        int skipped = 0;
        int invalid = 0;
        List<OpmlImportResult.Invalid> invalidEntries = new ArrayList<>();
        for (OpmlDocument.Feed feed : document.feeds()) {
            URI url;
            try {
                url = Subscriptions.feedUrl(feed.xmlUrl(), checkHosts);
            } catch (IllegalArgumentException e) {
                invalid++;
                if (invalidEntries.size() < MAX_REPORTED_INVALID) {
                    invalidEntries.add(new OpmlImportResult.Invalid(clip(feed.xmlUrl()), e.getMessage()));
                }
                continue;
            }
            if (subscriptions.addChecked(url, title(feed), siteUrl(feed.htmlUrl()))) {
                added++;
            } else {
                skipped++;
            }
        }
        return new OpmlImportResult(added, skipped, invalid, invalidEntries);
    }

    private static String title(OpmlDocument.Feed feed) {
        return feed.title() == null || feed.title().equals(feed.xmlUrl()) ? null : feed.title();
    }

    private static String siteUrl(String htmlUrl) {
        if (htmlUrl == null) {
            return null;
        }
        try {
            return FeedUrls.parse(htmlUrl).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String clip(String s) {
        return s.length() <= MAX_REPORTED_URL_CHARS ? s : s.substring(0, MAX_REPORTED_URL_CHARS) + "…";
    }
}
