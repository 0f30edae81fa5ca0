package newsagg.core.ingest;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import newsagg.core.domain.Source;
import newsagg.core.ingest.Opml.OpmlDocument;
import newsagg.core.ingest.fetch.FeedUrls;
import newsagg.core.store.DuplicateSourceException;
import newsagg.core.store.SourceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one use case that changes which feeds are followed: add a source, remove one, import an OPML document, import
 * the bundled default list. Every path checks a new feed URL the same way ({@link FeedUrls#parse}, then, unless
 * private networks are allowed, {@link FeedUrls#requirePublicHost}; the bundled list is checked for syntax only),
 * stores it normalized, and tells the {@link ChangeListener} that sources changed, so no caller has to remember to.
 * Thread-safe.
 */
public final class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final SourceStore sources;
    private final boolean checkHosts;
    private final ChangeListener listener;

    /**
     * @param sources              where sources are created and deleted
     * @param allowPrivateNetworks when false, a feed whose host is not public (or does not resolve) is refused
     * @param listener             told after sources were added or removed; {@link ChangeListener#NONE} for nobody
     */
    public Subscriptions(SourceStore sources, boolean allowPrivateNetworks, ChangeListener listener) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.checkHosts = !allowPrivateNetworks;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Adds a source for a user-supplied feed URL, stored normalized. {@code title} may be null.
     *
     * @throws IllegalArgumentException with a message fit for an API client when the URL is not acceptable
     * @throws DuplicateSourceException when the normalized URL is already a source
     */
    public Source add(String feedUrl, String title) {
        Source source = sources.create(feedUrl(feedUrl, checkHosts).toString(), title, null);
        listener.sourcesChanged();
        return source;
    }

    /** Deletes the source and its articles; false when there was none with this id. */
    public boolean remove(long id) {
        boolean removed = sources.delete(id);
        if (removed) {
            listener.sourcesChanged();
        }
        return removed;
    }

    /** Adds every feed of the document that is not a source yet, in document order (see {@link OpmlImporter}). */
    public OpmlImportResult importDocument(OpmlDocument document) {
        return notified(new OpmlImporter(this, checkHosts).importDocument(document));
    }

    /**
     * Imports the bundled list ({@link Opml#defaults}) when there are no sources at all; otherwise does nothing and
     * returns {@link OpmlImportResult#NONE}. The list is newsagg's own, so its hosts are not resolved.
     */
    public OpmlImportResult importDefaultsIfEmpty() {
        if (!sources.list().isEmpty()) {
            return OpmlImportResult.NONE;
        }
        OpmlImportResult result = notified(new OpmlImporter(this, false).importDocument(Opml.defaults()));
        LOG.info("no sources yet: added {} default sources", result.added());
        return result;
    }

    /** The one check of a new feed URL: normalized, or refused with a message fit for an API client. */
    static URI feedUrl(String raw, boolean checkHost) {
        URI url = FeedUrls.parse(raw);
        if (checkHost) {
            FeedUrls.requirePublicHost(url);
        }
        return url;
    }

    /** Creates a source for an already checked URL, without notifying: an import notifies once for all it added. */
    boolean addChecked(URI feedUrl, String title, String siteUrl) {
        String url = feedUrl.toString();
        if (sources.findByFeedUrl(url).isPresent()) {
            return false;
        }
        try {
            sources.create(url, title, siteUrl);
            return true;
        } catch (DuplicateSourceException e) {
            // Another importer or the admin API added it between the lookup and the insert.
            return false;
        }
    }

    private OpmlImportResult notified(OpmlImportResult result) {
        if (result.added() > 0) {
            listener.sourcesChanged();
        }
        return result;
    }

    /**
     * What an OPML import did: sources added, feeds skipped because a source with that URL already existed (or appeared
     * earlier in the same file), and feeds refused because their URL is not acceptable, with the first
     * {@value OpmlImporter#MAX_REPORTED_INVALID} of those and the reasons.
     *
     * @param added          sources created
     * @param skipped        feeds whose URL was already a source
     * @param invalid        feeds refused
     * @param invalidEntries the first refused feeds, in document order
     */
    public record OpmlImportResult(int added, int skipped, int invalid, List<Invalid> invalidEntries) {

        /** Nothing imported. */
        public static final OpmlImportResult NONE = new OpmlImportResult(0, 0, 0, List.of());

        public OpmlImportResult {
            invalidEntries = List.copyOf(invalidEntries);
        }

        /**
         * One refused feed.
         *
         * @param xmlUrl the URL as written, cut to 300 characters
         * @param reason why it was refused
         */
        public record Invalid(String xmlUrl, String reason) {
            public Invalid {
                Objects.requireNonNull(xmlUrl, "xmlUrl");
                Objects.requireNonNull(reason, "reason");
            }
        }
    }
}
