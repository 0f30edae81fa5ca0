package newsagg.core.ingest.normalize;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import newsagg.core.domain.DroppedItems;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.parse.FeedParser;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParseLimits;
import newsagg.core.ingest.parse.ParseLimits.ParseDeadline;

/**
 * Parse then normalize in one call: what the fetcher hands over (decompressed body, Content-Type,
 * final URL, fetch time) in, articles ready for the store out, within one {@link ParseLimits} budget per feed whose
 * deadline covers both steps. Thread-safe.
 */
public final class FeedPipeline {
    private final FeedParser parser = new FeedParser();
    private final Normalizer normalizer = new Normalizer();
    private final ParseLimits limits;

    /** A pipeline with the {@linkplain ParseLimits#DEFAULTS default} per-feed budget. */
    public FeedPipeline() {
        this(ParseLimits.DEFAULTS);
    }

    /** A pipeline whose parse and normalization of each feed stay within {@code limits}. */
    public FeedPipeline(ParseLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * @param body        decompressed response body
     * @param contentType the Content-Type header, may be null
     * @param feedUrl     the final feed URL after redirects
     * @param fetchedAt   when the body was fetched
     * @return normalized, deduplicated articles in feed order
     * @throws FeedParseException when the body is not a readable feed
     */
    public List<NewArticle> parseAndNormalize(byte[] body, String contentType, URI feedUrl, Instant fetchedAt)
            throws FeedParseException {
        return parseFeed(body, contentType, feedUrl, fetchedAt).articles();
    }

    /**
     * Like {@link #parseAndNormalize}, and also returns what the feed says about itself (title, site link), which
     * ingestion uses to name a source that was added by URL alone.
     *
     * @throws FeedParseException when the body is not a readable feed
     */
    public NormalizedFeed parseFeed(byte[] body, String contentType, URI feedUrl, Instant fetchedAt)
            throws FeedParseException {
        return parseFeed(ByteBuffer.wrap(body), contentType, feedUrl, fetchedAt);
    }

    /**
     * {@link #parseFeed(byte[], String, URI, Instant)} over the fetcher's buffer as it lies, without a copy.
     *
     * @throws FeedParseException when the body is not a readable feed
     */
    public NormalizedFeed parseFeed(ByteBuffer body, String contentType, URI feedUrl, Instant fetchedAt)
            throws FeedParseException {
        ParseDeadline deadline = ParseDeadline.start(limits.deadline());
        return normalizer.normalizeFeed(parser.parse(body, contentType, limits, deadline), feedUrl, fetchedAt, deadline);
    }

    /**
     * A feed after normalization: its own title and site link, when it gives them, its articles ready for the store,
     * and the items that were not turned into articles, by reason.
     *
     * @param title    the feed's title as plain text, null when absent or blank
     * @param siteUrl  the feed's home page, resolved to an absolute http(s) URL, null when absent or unusable
     * @param articles normalized articles in feed order, one per dedupe key
     * @param dropped  items past the parse budget or that could not be normalized
     */
    public record NormalizedFeed(String title, String siteUrl, List<NewArticle> articles, DroppedItems dropped) {
        public NormalizedFeed {
            articles = List.copyOf(articles);
            Objects.requireNonNull(dropped, "dropped");
        }
    }
}
