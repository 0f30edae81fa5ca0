package newsagg.core.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpHandler;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import newsagg.core.ingest.fetch.TestServer;

/** Small RSS documents and handlers that serve them, for the ingestion tests. */
final class TestFeeds {

    /** One RSS item. */
    record Item(String guid, String title, String description, Instant published) {
    }

    static final Instant BASE = Instant.parse("2025-03-01T12:00:00Z");

    private TestFeeds() {
    }

    /** {@code n} items with GUIDs {@code prefix-0 .. prefix-(n-1)}, item {@code i} published {@code i} minutes after BASE. */
    static List<Item> items(String prefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new Item(prefix + "-" + i, "Story " + prefix + " " + i, "Body of " + prefix + " " + i,
                        BASE.plusSeconds(60L * i)))
                .toList();
    }

    static byte[] rss(String title, List<Item> items) {
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>")
                .append("<title>").append(title).append("</title>")
                .append("<link>https://news.example.org/</link><description>test feed</description>");
        for (Item i : items) {
            s.append("<item><guid isPermaLink=\"false\">").append(i.guid()).append("</guid>")
                    .append("<title>").append(i.title()).append("</title>")
                    .append("<link>https://news.example.org/").append(i.guid()).append("</link>")
                    .append("<description>").append(i.description()).append("</description>")
                    .append("<pubDate>")
                    .append(DateTimeFormatter.RFC_1123_DATE_TIME.format(i.published().atOffset(ZoneOffset.UTC)))
                    .append("</pubDate></item>");
        }
        return s.append("</channel></rss>").toString().getBytes(UTF_8);
    }

    /** Serves whatever {@code body} supplies at the time of each request, as RSS. */
    static HttpHandler serve(Supplier<byte[]> body) {
        return ex -> TestServer.respond(ex, 200, Map.of("Content-Type", "application/rss+xml; charset=utf-8"),
                body.get());
    }
}
