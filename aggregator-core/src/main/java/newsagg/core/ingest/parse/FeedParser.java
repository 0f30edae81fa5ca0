package newsagg.core.ingest.parse;

import java.nio.ByteBuffer;
import java.util.regex.Pattern;
import newsagg.core.ingest.parse.ParseLimits.ParseDeadline;

/**
 * Turns a fetched body into a {@link ParsedFeed}. The format is sniffed from the content: a JSON object
 * is read as JSON Feed, markup as RSS/Atom; the Content-Type only contributes its charset. XML is
 * parsed without DTDs, external entities or entity expansion, after being decoded here (BOM, then HTTP
 * charset, then the XML declaration, then UTF-8) and cleaned of characters XML 1.0 forbids. Everything
 * that is not a readable feed ends in a {@link FeedParseException} with a short message. Stateless and
 * safe to share between threads.
 */
public final class FeedParser {
    private static final Pattern HTML_START = Pattern.compile(
            "^(?:\\s|<\\?[^>]*>|<!--.*?-->|<!DOCTYPE[^>\\[]*>)*<(?:html|head|body)\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * Parses a body.
     *
     * @param body        the decompressed body
     * @param contentType the Content-Type header, may be null
     * @return the feed, with entries in document order
     * @throws FeedParseException when the body is not a feed, is malformed, or is refused for safety
     */
    public ParsedFeed parse(byte[] body, String contentType) throws FeedParseException {
        return parse(body, contentType, ParseLimits.DEFAULTS, ParseDeadline.start(ParseLimits.DEFAULTS.deadline()));
    }

    /**
     * Parses a body within a budget: see {@link ParseLimits}.
     *
     * @param body        the decompressed body
     * @param contentType the Content-Type header, may be null
     * @param limits      the item, depth and size limits
     * @param deadline    when to give up
     * @return the feed, with at most {@link ParseLimits#maxItems()} entries in document order
     * @throws FeedParseException when the body is not a feed, is malformed, is refused for safety, nests too deep or
     *                            takes past the deadline
     */
    public ParsedFeed parse(byte[] body, String contentType, ParseLimits limits, ParseDeadline deadline)
            throws FeedParseException {
        return parse(body == null ? null : ByteBuffer.wrap(body), contentType, limits, deadline);
    }

    /**
     * Parses a body within a budget, reading it where it lies (from its position to its limit, without moving it):
     * the fetcher's buffer is never copied on the way here.
     *
     * @param body        the decompressed body
     * @param contentType the Content-Type header, may be null
     * @param limits      the item, depth and size limits
     * @param deadline    when to give up
     * @return the feed, with at most {@link ParseLimits#maxItems()} entries in document order
     * @throws FeedParseException as {@link #parse(byte[], String, ParseLimits, ParseDeadline)}
     */
    public ParsedFeed parse(ByteBuffer body, String contentType, ParseLimits limits, ParseDeadline deadline)
            throws FeedParseException {
        if (body == null || !body.hasRemaining()) {
            throw new FeedParseException("not a feed: empty body");
        }
        String text = BodyDecoder.decode(body, contentType);
        int start = firstSignificant(text);
        if (start < 0) {
            throw new FeedParseException("not a feed: empty body");
        }
        char first = text.charAt(start);
        if (first == '{') {
            return JsonFeedReader.read(text, limits, deadline);
        }
        if (first != '<') {
            throw new FeedParseException("not a feed: content is neither XML nor JSON");
        }
        if (HTML_START.matcher(text.substring(start, Math.min(text.length(), start + 8192))).find()) {
            throw new FeedParseException("not a feed: looks like an HTML page");
        }
        return RomeFeedReader.read(XmlText.prepare(text), limits, deadline);
    }

    private static int firstSignificant(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF' && c != 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A body that could not be read as a feed: not a feed at all (HTML, JSON that is not a JSON Feed,
     * garbage, an empty body), malformed XML, or XML that is refused for safety (a DTD with entity
     * declarations). The message is one short human sentence meant for a per-feed error column; it never
     * carries a stack trace or the raw body. Checked, so that every caller decides what a bad feed means.
     */
    public static final class FeedParseException extends Exception {
        private static final long serialVersionUID = 1L;

        public FeedParseException(String message) {
            super(message, null, false, false);
        }
    }
}
