package newsagg.core.ingest.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import newsagg.core.domain.DroppedItems;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParseLimits.ParseDeadline;
import newsagg.core.ingest.parse.ParsedFeed.FeedFormat;
import newsagg.core.ingest.parse.ParsedFeed.RawEntry;

/**
 * Reads JSON Feed 1.0 and 1.1 (jsonfeed.org). Only an object whose {@code version} names JSON Feed 1.x
 * is a feed; any other JSON is reported as not a feed. Both the 1.0 {@code author} object and the 1.1
 * {@code authors} array are read, and an item without authors has the feed's; {@code content_text} is escaped so
 * that all content is HTML. The document is streamed: items past {@link ParseLimits#maxItems()} are skipped without
 * being built, nesting is bounded by {@link ParseLimits#maxDepth()}, and strings are cut to the field budget.
 */
final class JsonFeedReader {
    private static final ObjectMapper DEFAULT_MAPPER = mapper(ParseLimits.DEFAULTS);

    private JsonFeedReader() {
    }

    static ParsedFeed read(String json, ParseLimits limits, ParseDeadline deadline) throws FeedParseException {
        ObjectMapper mapper = limits.maxDepth() == ParseLimits.DEFAULTS.maxDepth() ? DEFAULT_MAPPER : mapper(limits);
        ObjectNode root = mapper.createObjectNode();
        List<JsonNode> items = new ArrayList<>();
        int beyondLimit = 0;
        try (JsonParser p = mapper.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new FeedParseException("not a feed: JSON document is not a JSON Feed");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("items") && value == JsonToken.START_ARRAY) {
                    // Items past the limit are skipped token by token, never built.
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        deadline.check();
                        if (items.size() < limits.maxItems()) {
                            items.add(p.readValueAsTree());
                        } else {
                            p.skipChildren();
                            beyondLimit++;
                        }
                    }
                } else {
                    root.set(name, p.readValueAsTree());
                }
            }
        } catch (StreamConstraintsException e) {
            throw new FeedParseException("refused: the JSON nests deeper than " + limits.maxDepth()
                    + " levels or holds a value too long to read");
        } catch (JsonProcessingException e) {
            long line = e.getLocation() != null ? e.getLocation().getLineNr() : -1;
            throw new FeedParseException("malformed JSON" + (line > 0 ? " at line " + line : ""));
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new FeedParseException("malformed JSON");
        }
        String version = text(root, "version", limits);
        FeedFormat format = format(version);
        if (format == null) {
            throw new FeedParseException("not a feed: JSON document is not a JSON Feed (no jsonfeed.org version 1.x)");
        }
        List<String> feedAuthors = authors(root, limits);
        List<RawEntry> entries = new ArrayList<>();
        for (JsonNode item : items) {
            if (item.isObject()) {
                entries.add(entry(item, feedAuthors, limits));
            }
        }
        DroppedItems dropped = beyondLimit == 0 ? DroppedItems.NONE
                : DroppedItems.of(DroppedItems.Reason.ITEM_LIMIT, beyondLimit);
        return new ParsedFeed(format, text(root, "title", limits), text(root, "home_page_url", limits), entries,
                dropped);
    }

    private static ObjectMapper mapper(ParseLimits limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .build())
                .build();
        return JsonMapper.builder(factory).build();
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

    private static RawEntry entry(JsonNode item, List<String> feedAuthors, ParseLimits limits) {
        String id = item.hasNonNull("id") && item.get("id").isValueNode()
                ? XmlText.stripInvalidChars(clip(item.get("id").asText(), limits)) : null;
        String link = text(item, "url", limits) != null ? text(item, "url", limits) : text(item, "external_url", limits);
        String content = text(item, "content_html", limits);
        if (content == null && text(item, "content_text", limits) != null) {
            content = TreeText.escape(text(item, "content_text", limits));
        }
        List<String> authors = authors(item, limits);
        if (authors.isEmpty()) {
            // JSON Feed 1.1: an item without authors has the feed's.
            authors = feedAuthors;
        }
        List<String> tags = new ArrayList<>();
        JsonNode tagNode = item.get("tags");
        if (tagNode != null && tagNode.isArray()) {
            for (JsonNode t : tagNode) {
                if (t.isTextual()) {
                    tags.add(clip(t.asText(), limits));
                }
            }
        }
        String date = text(item, "date_published", limits) != null ? text(item, "date_published", limits)
                : text(item, "date_modified", limits);
        return new RawEntry(id, link, List.of(), text(item, "title", limits), text(item, "summary", limits), content,
                authors, tags, date, null);
    }

    /** The 1.1 {@code authors} array, else the 1.0 {@code author} object. */
    private static List<String> authors(JsonNode node, ParseLimits limits) {
        List<String> authors = new ArrayList<>();
        JsonNode list = node.get("authors");
        if (list != null && list.isArray()) {
            for (JsonNode a : list) {
                addName(authors, a, limits);
            }
        }
        if (authors.isEmpty()) {
            addName(authors, node.get("author"), limits);
        }
        return authors;
    }

    private static void addName(List<String> out, JsonNode author, ParseLimits limits) {
        if (author != null && author.isObject() && text(author, "name", limits) != null) {
            out.add(text(author, "name", limits));
        }
    }

    private static String text(JsonNode node, String field, ParseLimits limits) {
        JsonNode v = node.get(field);
        // JSON may carry NUL and other control characters that neither XML nor PostgreSQL text accepts.
        return v != null && v.isTextual() ? XmlText.stripInvalidChars(clip(v.asText(), limits)) : null;
    }

    /** A field cut to the field budget, never inside a surrogate pair. */
    private static String clip(String s, ParseLimits limits) {
        int max = limits.maxFieldChars();
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }
}
