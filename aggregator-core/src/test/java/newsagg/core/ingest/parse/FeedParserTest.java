package newsagg.core.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParsedFeed.FeedFormat;
import newsagg.core.ingest.parse.ParsedFeed.RawEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FeedParserTest {
    private final FeedParser parser = new FeedParser();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("RSS 2.0", FeedFormat.RSS_2_0, """
                        <rss version="2.0"><channel><title>F</title><link>http://e.com/</link><description>d</description>
                        <item><title>T</title></item></channel></rss>"""),
                Arguments.of("RSS 0.92", FeedFormat.RSS_0_9X, """
                        <rss version="0.92"><channel><title>F</title><link>http://e.com/</link><description>d</description>
                        <item><title>T</title></item></channel></rss>"""),
                Arguments.of("RSS 1.0", FeedFormat.RSS_1_0, """
                        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
                        <channel rdf:about="http://e.com/"><title>F</title><link>http://e.com/</link><description>d</description></channel>
                        <item rdf:about="http://e.com/1"><title>T</title><link>http://e.com/1</link></item></rdf:RDF>"""),
                Arguments.of("Atom 1.0", FeedFormat.ATOM_1_0, """
                        <feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><id>urn:f</id><updated>2024-01-01T00:00:00Z</updated>
                        <entry><title>T</title><id>urn:1</id><updated>2024-01-01T00:00:00Z</updated></entry></feed>"""),
                Arguments.of("Atom 0.3", FeedFormat.ATOM_0_3, """
                        <feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>F</title><modified>2004-01-01T00:00:00Z</modified>
                        <entry><title>T</title><id>urn:1</id><issued>2004-01-01T00:00:00Z</issued></entry></feed>"""),
                Arguments.of("JSON Feed 1.0", FeedFormat.JSON_FEED_1_0, """
                        {"version":"https://jsonfeed.org/version/1","title":"F","items":[{"id":"1","title":"T"}]}"""),
                Arguments.of("JSON Feed 1.1", FeedFormat.JSON_FEED_1_1, """
                        {"version":"https://jsonfeed.org/version/1.1","title":"F","items":[{"id":"1","title":"T"}]}"""),
                Arguments.of("leading whitespace and XML declaration", FeedFormat.RSS_2_0, """
                        \n\n  <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>
                        <item><title>T</title></item></channel></rss>"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void format_is_sniffed_from_content_whatever_the_content_type(String name, FeedFormat expected, String doc)
            throws Exception {
        for (String contentType : new String[] {null, "text/html", "application/json", "application/rss+xml"}) {
            ParsedFeed feed = parser.parse(utf8(doc), contentType);
            assertThat(feed.format()).as(name + " served as " + contentType).isEqualTo(expected);
            assertThat(feed.title()).isEqualTo("F");
            assertThat(feed.entries()).extracting(RawEntry::title).containsExactly("T");
        }
    }

    static Stream<Arguments> notFeeds() {
        return Stream.of(
                Arguments.of("", "not a feed: empty body"),
                Arguments.of("   \n\t ", "not a feed: empty body"),
                Arguments.of("<!DOCTYPE html><html><head><title>x</title></head><body><p>hi</body></html>",
                        "not a feed: looks like an HTML page"),
                Arguments.of("<html><body><p>unclosed <br></body></html>", "not a feed: looks like an HTML page"),
                Arguments.of("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>",
                        "not a feed: looks like an HTML page"),
                Arguments.of("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                        "not a feed: unrecognised XML root element <svg>"),
                Arguments.of("\u0089PNG\r\n garbage bytes", "not a feed: content is neither XML nor JSON"),
                Arguments.of("{\"title\":\"just json\"}",
                        "not a feed: JSON document is not a JSON Feed (no jsonfeed.org version 1.x)"),
                Arguments.of("[1,2,3]", "not a feed: content is neither XML nor JSON"),
                Arguments.of("{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[",
                        "malformed JSON at line 1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("notFeeds")
    void non_feeds_get_a_short_clear_message(String body, String message) {
        assertThatThrownBy(() -> parser.parse(utf8(body), "text/html"))
                .isInstanceOf(FeedParseException.class)
                .hasMessage(message);
    }

    @Test
    void truncated_xml_reports_the_line() {
        String doc = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel><title>F</title>\n<item><title>T";
        assertThatThrownBy(() -> parser.parse(utf8(doc), null))
                .isInstanceOf(FeedParseException.class)
                .hasMessageStartingWith("malformed XML at line 4: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(200));
    }

    @Test
    void json_feed_1_1_items_are_read_with_authors_tags_and_dates() throws Exception {
        String doc = """
                {"version": "https://jsonfeed.org/version/1.1", "title": "My Blog",
                 "home_page_url": "https://blog.example.org/",
                 "items": [
                   {"id": "2", "url": "/posts/2", "title": "Second", "content_html": "<p>Hello <b>there</b></p>",
                    "summary": "Short", "date_published": "2024-03-01T10:00:00+01:00",
                    "authors": [{"name": "Ana"}, {"name": "Ben"}], "tags": ["java", "feeds"]},
                   {"id": 3, "external_url": "https://elsewhere.example/x", "content_text": "a < b & c"},
                   "not an object"
                 ]}""";
        ParsedFeed feed = parser.parse(utf8(doc), "application/feed+json");
        assertThat(feed.format()).isEqualTo(FeedFormat.JSON_FEED_1_1);
        assertThat(feed.siteUrl()).isEqualTo("https://blog.example.org/");
        assertThat(feed.entries()).hasSize(2);
        RawEntry first = feed.entries().get(0);
        assertThat(first).isEqualTo(new RawEntry("2", "/posts/2", List.of(), "Second", "Short",
                "<p>Hello <b>there</b></p>", List.of("Ana", "Ben"), List.of("java", "feeds"),
                "2024-03-01T10:00:00+01:00", null));
        RawEntry second = feed.entries().get(1);
        assertThat(second.id()).isEqualTo("3");
        assertThat(second.link()).isEqualTo("https://elsewhere.example/x");
        assertThat(second.contentHtml()).isEqualTo("a &lt; b &amp; c");
    }

    @Test
    void json_feed_1_0_author_object_is_read() throws Exception {
        String doc = """
                {"version": "https://jsonfeed.org/version/1", "title": "Old", "items": [
                  {"id": "a", "title": "One", "content_text": "x", "date_modified": "2019-05-01T00:00:00Z",
                   "author": {"name": "Cleo", "url": "https://cleo.example/"}}]}""";
        ParsedFeed feed = parser.parse(utf8(doc), null);
        assertThat(feed.format()).isEqualTo(FeedFormat.JSON_FEED_1_0);
        assertThat(feed.entries().get(0).authors()).containsExactly("Cleo");
        assertThat(feed.entries().get(0).dateText()).isEqualTo("2019-05-01T00:00:00Z");
    }

    @Test
    void control_characters_are_stripped_before_parsing() throws Exception {
        String doc = "<rss version=\"2.0\"><channel><title>F\u0001\u0008</title>"
                + "<item><title>A\u000Bb&#x1;c&#27;</title></item></channel></rss>";
        ParsedFeed feed = parser.parse(utf8(doc), null);
        assertThat(feed.title()).isEqualTo("F");
        assertThat(feed.entries().get(0).title()).isEqualTo("Abc");
    }

    @Test
    void xml_base_chain_guid_and_raw_date_are_kept_for_the_normalizer() throws Exception {
        String doc = """
                <rss version="2.0" xml:base="http://a.example/"><channel xml:base="b/"><title>F</title>
                <item xml:base="c/"><title>T</title><guid isPermaLink="false"> id-1 </guid>
                <pubDate>Tue, 10 Jun 2003 04:00:00 CEST</pubDate><link>x</link></item></channel></rss>""";
        RawEntry e = parser.parse(utf8(doc), null).entries().get(0);
        assertThat(e.xmlBases()).containsExactly("http://a.example/", "b/", "c/");
        assertThat(e.id()).isEqualTo("id-1");
        assertThat(e.dateText()).isEqualTo("Tue, 10 Jun 2003 04:00:00 CEST");
        assertThat(e.link()).isEqualTo("x");
    }

    @Test
    void rome_dates_only_the_items_whose_date_shape_the_project_does_not_know() throws Exception {
        String doc = """
                <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>F</title>
                <item><title>A</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><dc:date>2003-06-11</dc:date></item>
                <item><title>B</title><pubDate>2003-06</pubDate></item>
                <item><title>C</title><guid>c</guid></item>
                <item><title>D</title><pubDate>Tue, 99 Jun 2003 04:00:00 GMT</pubDate></item></channel></rss>""";
        List<RawEntry> entries = parser.parse(utf8(doc), null).entries();
        assertThat(entries).extracting(RawEntry::title).containsExactly("A", "B", "C", "D");
        assertThat(entries.get(0).dateText()).isEqualTo("Tue, 10 Jun 2003 04:00:00 GMT");
        assertThat(entries.get(0).parsedDate()).isNull();
        assertThat(entries.get(1).dateText()).isEqualTo("2003-06");
        assertThat(entries.get(1).parsedDate())
                .isBetween(Instant.parse("2003-05-31T00:00:00Z"), Instant.parse("2003-06-02T00:00:00Z"));
        assertThat(entries.get(2).dateText()).isNull();
        assertThat(entries.get(2).parsedDate()).isNull();
        // Day 99 is a known shape with an impossible value: undated, so Rome's rolled-over date is not asked for.
        assertThat(entries.get(3).dateText()).isEqualTo("Tue, 99 Jun 2003 04:00:00 GMT");
        assertThat(entries.get(3).parsedDate()).isNull();
    }

    @Test
    void an_item_rome_does_not_pair_with_the_tree_keeps_the_date_rome_reads() throws Exception {
        String doc = """
                <rss version="2.0" xmlns:x="urn:x"><channel><title>F</title>
                <x:item><title>not an RSS item</title></x:item>
                <item><title>A</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item></channel></rss>""";
        List<RawEntry> entries = parser.parse(utf8(doc), null).entries();
        assertThat(entries).extracting(RawEntry::title).containsExactly("A");
        assertThat(entries.get(0).parsedDate()).isEqualTo(Instant.parse("2003-06-10T04:00:00Z"));
    }
}
