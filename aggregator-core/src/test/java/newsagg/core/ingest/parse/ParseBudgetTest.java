package newsagg.core.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import newsagg.core.domain.DroppedItems;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParseLimits.ParseDeadline;
import newsagg.core.ingest.parse.ParsedFeed.RawEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-feed budget of {@link ParseLimits}, enforced while the document is read. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParseBudgetTest {
    private final FeedParser parser = new FeedParser();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ParsedFeed parse(String doc, ParseLimits limits) throws FeedParseException {
        return parser.parse(utf8(doc), null, limits, ParseDeadline.start(limits.deadline()));
    }

    private static String rssItems(int n) {
        StringBuilder s = new StringBuilder("<rss version=\"2.0\"><channel><title>F</title>");
        for (int i = 0; i < n; i++) {
            s.append("<item><guid>").append(i).append("</guid><title>t").append(i).append("</title></item>");
        }
        return s.append("</channel></rss>").toString();
    }

    @Test
    void items_past_the_limit_are_counted_as_dropped_and_not_read() throws Exception {
        ParsedFeed feed = parse(rssItems(25), ParseLimits.DEFAULTS.withMaxItems(10));

        assertThat(feed.entries()).extracting(RawEntry::id).containsExactly("0", "1", "2", "3", "4", "5", "6", "7",
                "8", "9");
        assertThat(feed.dropped()).isEqualTo(DroppedItems.of(DroppedItems.Reason.ITEM_LIMIT, 15));
    }

    @ParameterizedTest
    @ValueSource(strings = {"atom", "rdf", "json"})
    void the_item_limit_holds_for_every_format(String format) throws Exception {
        StringBuilder s = new StringBuilder();
        switch (format) {
            case "atom" -> {
                s.append("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title>");
                for (int i = 0; i < 7; i++) {
                    s.append("<entry><id>").append(i).append("</id><title>t</title></entry>");
                }
                s.append("</feed>");
            }
            case "rdf" -> {
                s.append("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" ")
                        .append("xmlns=\"http://purl.org/rss/1.0/\"><channel><title>F</title></channel>");
                for (int i = 0; i < 7; i++) {
                    s.append("<item><title>t").append(i).append("</title><link>https://e.example/").append(i)
                            .append("</link></item>");
                }
                s.append("</rdf:RDF>");
            }
            default -> {
                s.append("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"F\",\"items\":[");
                for (int i = 0; i < 7; i++) {
                    s.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"title\":\"t\"}");
                }
                s.append("]}");
            }
        }

        ParsedFeed feed = parse(s.toString(), ParseLimits.DEFAULTS.withMaxItems(3));

        assertThat(feed.entries()).hasSize(3);
        assertThat(feed.dropped()).isEqualTo(DroppedItems.of(DroppedItems.Reason.ITEM_LIMIT, 4));
    }

    @Test
    void nesting_past_the_limit_is_refused_at_the_first_element_too_deep() {
        int depth = 1_000_000;
        String doc = "<rss version=\"2.0\"><channel><title>F</title><item><description>" + "<a>".repeat(depth) + "x"
                + "</a>".repeat(depth) + "</description></item></channel></rss>";

        assertThatThrownBy(() -> parser.parse(utf8(doc), null))
                .isInstanceOf(FeedParseException.class)
                .hasMessage("refused: the XML nests deeper than 128 levels");
    }

    @Test
    void nesting_up_to_the_limit_is_read() throws Exception {
        // rss, channel, item, description: 4 levels; 124 more reach the limit exactly.
        String doc = "<rss version=\"2.0\"><channel><title>F</title><item><title>T</title><description>"
                + "<a>".repeat(124) + "x" + "</a>".repeat(124) + "</description></item></channel></rss>";

        assertThat(parser.parse(utf8(doc), null).entries()).hasSize(1);
    }

    @Test
    void deeply_nested_json_is_refused() {
        String doc = "{\"version\":\"https://jsonfeed.org/version/1.1\",\"x\":" + "[".repeat(100_000)
                + "]".repeat(100_000) + "}";

        assertThatThrownBy(() -> parser.parse(utf8(doc), null))
                .isInstanceOf(FeedParseException.class)
                .hasMessageStartingWith("refused: the JSON nests deeper than 128 levels");
    }

    @Test
    void a_field_keeps_at_most_the_field_budget() throws Exception {
        String big = "y".repeat(3 * (1 << 20));
        String doc = "<rss version=\"2.0\"><channel><title>F</title><item><title>T</title><description>" + big
                + "</description></item></channel></rss>";

        RawEntry entry = parser.parse(utf8(doc), null).entries().get(0);

        assertThat(entry.summaryHtml()).hasSize(ParseLimits.DEFAULTS.maxFieldChars() - ParseLimits.ELEMENT_COST);
        assertThat(entry.title()).isEqualTo("T");
    }

    @Test
    void markup_in_a_field_is_cut_between_elements_and_every_kept_element_is_closed() throws Exception {
        ParseLimits small = new ParseLimits(1000, 128, 200, 1 << 20, Duration.ofSeconds(5));
        String doc = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title><entry><id>1</id><title>T</title>"
                + "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
                + "<b>x</b>".repeat(1000) + "</div></content></entry></feed>";

        RawEntry entry = parse(doc, small).entries().get(0);

        // Each element costs 32 and its text 1: the budget of 200 holds the content, the div, three <b>x</b> and one
        // more <b> whose text no longer fits. Every element kept is closed; no half element is kept.
        assertThat(entry.contentHtml()).isEqualTo("<b>x</b><b>x</b><b>x</b><b></b>");
    }

    @Test
    void items_past_the_document_budget_are_dropped_and_the_ones_before_kept() throws Exception {
        ParseLimits small = new ParseLimits(1000, 128, 1 << 20, 10_000, Duration.ofSeconds(5));
        StringBuilder s = new StringBuilder("<rss version=\"2.0\"><channel><title>F</title>");
        for (int i = 0; i < 10; i++) {
            s.append("<item><guid>").append(i).append("</guid><description>").append("z".repeat(3000))
                    .append("</description></item>");
        }
        s.append("</channel></rss>");

        ParsedFeed feed = parse(s.toString(), small);

        assertThat(feed.entries()).extracting(RawEntry::id).containsExactly("0", "1", "2");
        assertThat(feed.dropped()).isEqualTo(DroppedItems.of(DroppedItems.Reason.SIZE_LIMIT, 7));
    }

    @Test
    void a_passed_deadline_stops_the_parse_with_a_plain_message() {
        ParseLimits limits = ParseLimits.DEFAULTS.withDeadline(Duration.ofNanos(1));

        assertThatThrownBy(() -> parse(rssItems(5000), limits))
                .isInstanceOf(FeedParseException.class)
                .hasMessage("the feed took longer than 0 ms to read, so it was given up");
    }

    @Test
    void an_interrupted_thread_stops_the_parse() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> parser.parse(utf8(rssItems(5000)), null))
                    .isInstanceOf(FeedParseException.class)
                    .hasMessage("reading the feed was interrupted because the server is stopping");
        } finally {
            Thread.interrupted();
        }
    }
}
