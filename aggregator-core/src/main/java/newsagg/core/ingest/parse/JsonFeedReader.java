package newsagg.core.ingest.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON Feed 1.0 and 1.1 (jsonfeed.org). Only an object whose {@code version} names JSON Feed 1.x
 * is a feed; any other JSON is reported as not a feed. Both the 1.0 {@code author} object and the 1.1
 * {@code authors} array are read; {@code content_text} is escaped so that all content is HTML.
 */
final class JsonFeedReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFeedReader() {
    }

    static ParsedFeed read(String json) throws FeedParseException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() != null ? e.getLocation().getLineNr() : -1;
            throw new FeedParseException("malformed JSON" + (line > 0 ? " at line " + line : ""));
        } catch (RuntimeException | StackOverflowError e) {
            throw new FeedParseException("malformed JSON");
        }
        if (root == null || !root.isObject()) {
            throw new FeedParseException("not a feed: JSON document is not a JSON Feed");
        }
        String version = text(root, "version");
        FeedFormat format = format(version);
        if (format == null) {
            throw new FeedParseException("not a feed: JSON document is not a JSON Feed (no jsonfeed.org version 1.x)");
        }
        List<RawEntry> entries = new ArrayList<>();
        JsonNode items = root.get("items");
        if (items != null && items.isArray()) {
            for (JsonNode item : items) {
                if (item.isObject()) {
                    entries.add(entry(item));
                }
            }
        }
        return new ParsedFeed(format, text(root, "title"), text(root, "home_page_url"), entries);
    }

    private static FeedFormat format(String version) {
        if (version == null) {
            return null;
        }
        String v = version.trim().replaceFirst("^http://", "https://");
        if (v.equals("https://jsonfeed.org/version/1") || v.equals("https://jsonfeed.org/version/1/")) {
            return FeedFormat.JSON_FEED_1_0;
        }
        if (v.startsWith("https://jsonfeed.org/version/1.")) {
            return FeedFormat.JSON_FEED_1_1;
        }
        return null;
    }

    private static RawEntry entry(JsonNode item) {
        String id = item.hasNonNull("id") && item.get("id").isValueNode() ? XmlText.stripInvalidChars(item.get("id").asText()) : null;
        String link = text(item, "url") != null ? text(item, "url") : text(item, "external_url");
        String content = text(item, "content_html");
        if (content == null && text(item, "content_text") != null) {
            content = escape(text(item, "content_text"));
        }
        List<String> authors = new ArrayList<>();
        JsonNode list = item.get("authors");
        if (list != null && list.isArray()) {
            for (JsonNode a : list) {
                addName(authors, a);
            }
        }
        if (authors.isEmpty()) {
            addName(authors, item.get("author"));
        }
        List<String> tags = new ArrayList<>();
        JsonNode tagNode = item.get("tags");
        if (tagNode != null && tagNode.isArray()) {
            for (JsonNode t : tagNode) {
                if (t.isTextual()) {
                    tags.add(t.asText());
                }
            }
        }
        String date = text(item, "date_published") != null ? text(item, "date_published") : text(item, "date_modified");
        return new RawEntry(id, link, List.of(), text(item, "title"), text(item, "summary"), content, authors, tags,
                date, null);
    }

    private static void addName(List<String> out, JsonNode author) {
        if (author != null && author.isObject() && text(author, "name") != null) {
            out.add(text(author, "name"));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        // JSON may carry NUL and other control characters that neither XML nor PostgreSQL text accepts.
        return v != null && v.isTextual() ? XmlText.stripInvalidChars(v.asText()) : null;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
