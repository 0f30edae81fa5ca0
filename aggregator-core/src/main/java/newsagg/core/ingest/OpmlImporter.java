package newsagg.core.ingest;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import newsagg.core.ingest.fetch.FeedUrls;
import newsagg.core.store.DuplicateSourceException;
import newsagg.core.store.SourceStore;

/**
 * Adds the feeds of an {@link OpmlDocument} as sources. Each feed URL is validated with {@link FeedUrls#parse} (and,
 * unless private networks are allowed, {@link FeedUrls#requirePublicHost}, which resolves the host: a large list
 * costs one DNS lookup per feed) and stored normalized, so {@code HTTP://Example.org:80/feed} and
 * {@code http://example.org/feed} are the same source. A feed whose URL is already a source, including one listed
 * twice in the same file, is skipped; one with a bad URL is counted as invalid and the import goes on. The outline's
 * title and site URL are kept when present; a site URL that is not http(s) is dropped. Thread-safe.
 */
public final class OpmlImporter {

    /** The most refused feeds listed in a result; all of them are counted. */
    public static final int MAX_REPORTED_INVALID = 100;

    private static final int MAX_REPORTED_URL_CHARS = 300;

    private final SourceStore sources;
    private final boolean checkHosts;

    /**
     * @param sources              where sources are created
     * @param allowPrivateNetworks when false, feeds whose host is not public (or does not resolve) are invalid
     */
    public OpmlImporter(SourceStore sources, boolean allowPrivateNetworks) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.checkHosts = !allowPrivateNetworks;
    }

    /** An importer for lists newsagg ships itself: syntax is checked, hosts are not resolved. */
    static OpmlImporter trusted(SourceStore sources) {
        return new OpmlImporter(sources, true);
    }

    /** Imports every feed of the document, in document order. */
    public OpmlImportResult importDocument(OpmlDocument document) {
        int added = 0;
        int skipped = 0;
        int invalid = 0;
        List<OpmlImportResult.Invalid> invalidEntries = new ArrayList<>();
        for (OpmlDocument.Feed feed : document.feeds()) {
            URI url;
            try {
                url = FeedUrls.parse(feed.xmlUrl());
                if (checkHosts) {
                    FeedUrls.requirePublicHost(url);
                }
            } catch (IllegalArgumentException e) {
                invalid++;
                if (invalidEntries.size() < MAX_REPORTED_INVALID) {
                    invalidEntries.add(new OpmlImportResult.Invalid(clip(feed.xmlUrl()), e.getMessage()));
                }
                continue;
            }
            if (add(url.toString(), feed)) {
                added++;
            } else {
                skipped++;
            }
        }
        return new OpmlImportResult(added, skipped, invalid, invalidEntries);
    }

    private boolean add(String feedUrl, OpmlDocument.Feed feed) {
        if (sources.findByFeedUrl(feedUrl).isPresent()) {
            return false;
        }
        String title = feed.title() == null || feed.title().equals(feed.xmlUrl()) ? null : feed.title();
        try {
            sources.create(feedUrl, title, siteUrl(feed.htmlUrl()));
            return true;
        } catch (DuplicateSourceException e) {
            // Another importer or the admin API added it between the lookup and the insert.
            return false;
        }
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
