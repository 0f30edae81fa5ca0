package newsagg.core.ingest;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import newsagg.core.domain.DroppedItems;
import newsagg.core.domain.Source;
import newsagg.core.ingest.fetch.Backoff;
import newsagg.core.ingest.fetch.FeedFetcher;
import newsagg.core.ingest.fetch.FeedUrls;
import newsagg.core.ingest.fetch.FetchResult;
import newsagg.core.ingest.normalize.FeedPipeline;
import newsagg.core.ingest.normalize.FeedPipeline.NormalizedFeed;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParseLimits;
import newsagg.core.store.ArticleStore;
import newsagg.core.store.SourceStore;
import newsagg.core.store.UpsertResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes one source: a conditional GET with the source's validators, then parse, normalize, upsert and record the
 * outcome on the source. A successful fetch (200 or 304) schedules the next one a poll interval later; a failure (a
 * network or HTTP error, a body that is not a feed, or anything unexpected) is recorded as the source's last error and
 * backs off exponentially, honouring {@code Retry-After} (see {@link Backoff}). Nothing is stored from a feed that
 * failed to parse. Parsing runs within the per-feed budget of {@link ParseLimits}: at most
 * {@value #MAX_ARTICLES_PER_FETCH} items are read from one fetch (the first, in document order; the rest are counted,
 * not parsed), fields are bounded, nesting is bounded and a deadline stops the work. One bad item never costs the
 * feed: items that cannot be normalized or that the database refuses are dropped and counted, the rest stored, and
 * the counts recorded on the source and kept here for metrics ({@link #droppedItemsTotal()}). {@link #refresh} never
 * throws for a problem with one feed, not even an {@link Error} such as {@link StackOverflowError} or
 * {@link OutOfMemoryError}, so a poller can call it in a loop. Thread-safe.
 */
public final class FeedIngester {

    /** The most items read from one fetch of one feed; the first in document order are kept. */
    static final int MAX_ARTICLES_PER_FETCH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(FeedIngester.class);

    private final SourceStore sources;
    private final ArticleStore articles;
    private final FeedFetcher fetcher;
    private final ChangeListener listener;
    private final Clock clock;
    private final Duration pollInterval;
    private final FeedPipeline pipeline = new FeedPipeline(ParseLimits.DEFAULTS.withMaxItems(MAX_ARTICLES_PER_FETCH));
    private final Map<DroppedItems.Reason, LongAdder> droppedTotal = new EnumMap<>(DroppedItems.Reason.class);

    /**
     * @param sources      where fetch outcomes are recorded
     * @param articles     where articles are upserted
     * @param fetcher      the HTTP fetcher, whose settings decide the network policy
     * @param listener     told about stored changes; {@link ChangeListener#NONE} for nobody
     * @param clock        the fetch time and the base of the next fetch time
     * @param pollInterval the time between two fetches of a healthy source; positive
     */
    public FeedIngester(SourceStore sources, ArticleStore articles, FeedFetcher fetcher, ChangeListener listener,
                        Clock clock, Duration pollInterval) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.articles = Objects.requireNonNull(articles, "articles");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
        }
        this.pollInterval = pollInterval;
        for (DroppedItems.Reason reason : DroppedItems.Reason.values()) {
            droppedTotal.put(reason, new LongAdder());
        }
    }

    /**
     * Fetches the source's feed and stores what changed. Never throws for a problem with the feed, the network or the
     * database: every failure is recorded on the source (when the database lets it) and returned as
     * {@link RefreshResult.Status#ERROR}.
     */
    public RefreshResult refresh(Source source) {
        Objects.requireNonNull(source, "source");
        try {
            return refreshOrThrow(source);
        } catch (StackOverflowError e) {
            LOG.warn("refresh of source {} overflowed the stack", source.id());
            return fail(source, "the feed could not be read: its structure is too deeply nested", null, clock.instant());
        } catch (OutOfMemoryError e) {
            LOG.warn("refresh of source {} ran out of memory", source.id());
            return fail(source, "the feed could not be read: it needs more memory than one feed may use", null,
                    clock.instant());
        } catch (RuntimeException | Error e) {
            // Any failure of one feed ends as that feed's error: the poller must survive it and the lease be released.
            LOG.warn("refresh of source {} ({}) failed unexpectedly: {}", source.id(), FeedUrls.redacted(source.feedUrl()),
                    e.getClass().getName());
            LOG.debug("stack trace of the failed refresh of source {}", source.id(), e);
            return fail(source, "unexpected error while refreshing; see the server log", null, clock.instant());
        }
    }

    /**
     * Items dropped since this ingester was made, by reason: past the item or size limit, unreadable, or refused by
     * the database. For metrics; the counts only grow.
     */
    public Map<DroppedItems.Reason, Long> droppedItemsTotal() {
        Map<DroppedItems.Reason, Long> out = new EnumMap<>(DroppedItems.Reason.class);
        droppedTotal.forEach((reason, n) -> out.put(reason, n.sum()));
        return out;
    }

    private RefreshResult refreshOrThrow(Source source) {
        URI url;
        try {
            url = URI.create(source.feedUrl());
        } catch (IllegalArgumentException e) {
            return fail(source, "feed URL is not valid", null, clock.instant());
        }
        FetchResult fetched = fetcher.fetch(url, source.fetch().etag(), source.fetch().lastModified());
        Instant now = clock.instant();
        if (fetched instanceof FetchResult.Failed && Thread.currentThread().isInterrupted()) {
            // Shutting down: not the feed's fault, so no error is counted; the claim's lease makes it due again.
            return RefreshResult.error("fetch interrupted by shutdown");
        }
        if (fetched instanceof FetchResult.Fetched f) {
            return store(source, f, now);
        }
        if (fetched instanceof FetchResult.NotModified) {
            sources.recordNotModified(source.id(), now, now.plus(pollInterval));
            LOG.debug("source {} not modified", source.id());
            return RefreshResult.notModified();
        }
        FetchResult.Failed failed = (FetchResult.Failed) fetched;
        return fail(source, failed.message(), failed.retryAfter(), now);
    }

    private RefreshResult store(Source source, FetchResult.Fetched f, Instant now) {
        NormalizedFeed feed;
        try {
            feed = pipeline.parseFeed(f.body(), f.contentType(), f.finalUrl(), now);
        } catch (FeedParseException e) {
            if (Thread.currentThread().isInterrupted()) {
                return RefreshResult.error("parse interrupted by shutdown");
            }
            return fail(source, e.getMessage(), null, now);
        }
        UpsertResult stored = articles.upsertSalvaging(source.id(), feed.articles());
        DroppedItems dropped = stored.refused() == 0 ? feed.dropped()
                : feed.dropped().plus(DroppedItems.of(DroppedItems.Reason.REFUSED_BY_DATABASE, stored.refused()));
        dropped.counts().forEach((reason, n) -> droppedTotal.get(reason).add(n));
        sources.recordSuccess(source.id(), f.etag(), f.lastModified(), now, now.plus(pollInterval), feed.title(),
                feed.siteUrl(), dropped);
        if (dropped.total() > 0) {
            LOG.info("source {}: {} items of the feed were not stored {}", source.id(), dropped.total(),
                    dropped.byWireName());
        }
        LOG.debug("source {} refreshed: {} inserted, {} updated", source.id(), stored.inserted(), stored.updated());
        if (stored.inserted() > 0 || stored.updated() > 0) {
            try {
                listener.articlesChanged(source.id(), stored.inserted(), stored.updated());
            } catch (RuntimeException e) {
                LOG.warn("change listener failed for source {}: {}", source.id(), e.toString());
            }
        }
        return RefreshResult.ok(stored.inserted(), stored.updated(), dropped);
    }

    private RefreshResult fail(Source source, String message, Duration retryAfter, Instant now) {
        Instant next = Backoff.nextFetch(now, source.fetch().errorCount() + 1, pollInterval, retryAfter);
        try {
            sources.recordFailure(source.id(), message, now, next);
        } catch (RuntimeException e) {
            LOG.warn("could not record the failure of source {}: {}", source.id(), e.toString());
        }
        LOG.debug("source {} failed: {}", source.id(), message);
        return RefreshResult.error(message);
    }

    /**
     * The outcome of refreshing one source: whether the feed was fetched and stored ({@link Status#OK}), unchanged
     * since the last fetch ({@link Status#NOT_MODIFIED}) or failed ({@link Status#ERROR}), how many articles were
     * inserted and updated, and on failure the short message that was also recorded as the source's last error.
     *
     * @param status   what happened
     * @param inserted new articles stored; 0 unless OK
     * @param updated  stored articles that changed; 0 unless OK
     * @param error    the failure message when the status is ERROR, else null
     * @param dropped  items of the feed that were not stored, by reason; none unless OK
     */
    public record RefreshResult(Status status, int inserted, int updated, String error, DroppedItems dropped) {

        /** What a refresh came to. */
        public enum Status {
            /** The feed was fetched, parsed and stored (possibly with no new or changed articles). */
            OK,
            /** The server answered 304 Not Modified to the conditional GET. */
            NOT_MODIFIED,
            /** The fetch, the parse or the storing failed; the source's error count went up. */
            ERROR;

            /** The name used on the wire: {@code ok}, {@code not_modified} or {@code error}. */
            public String wireName() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public RefreshResult {
            Objects.requireNonNull(status, "status");
            if (inserted < 0 || updated < 0) {
                throw new IllegalArgumentException("counts must be >= 0, were " + inserted + " and " + updated);
            }
            if ((status == Status.ERROR) != (error != null)) {
                throw new IllegalArgumentException("an error message is required for ERROR and only for ERROR");
            }
            Objects.requireNonNull(dropped, "dropped");
        }

        /** A successful fetch that stored {@code inserted} new and {@code updated} changed articles. */
        static RefreshResult ok(int inserted, int updated) {
            return ok(inserted, updated, DroppedItems.NONE);
        }

        /** A successful fetch that stored {@code inserted} new and {@code updated} changed articles, dropping others. */
        static RefreshResult ok(int inserted, int updated, DroppedItems dropped) {
            return new RefreshResult(Status.OK, inserted, updated, null, dropped);
        }

        /** A 304 Not Modified. */
        static RefreshResult notModified() {
            return new RefreshResult(Status.NOT_MODIFIED, 0, 0, null, DroppedItems.NONE);
        }

        /** A failure with this message. */
        public static RefreshResult error(String message) {
            return new RefreshResult(Status.ERROR, 0, 0, Objects.requireNonNull(message, "message"), DroppedItems.NONE);
        }
    }
}
