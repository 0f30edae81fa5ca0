package newsagg.core.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import newsagg.core.domain.FetchState;
import newsagg.core.domain.Source;
import newsagg.core.ingest.Opml.OpmlDocument;
import newsagg.core.ingest.Opml.OpmlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpmlTest {

    private static OpmlDocument parse(String xml) throws OpmlException {
        return Opml.parse(new ByteArrayInputStream(xml.getBytes(UTF_8)));
    }

    @Test
    void opml_1_0_with_lower_case_xmlurl_and_text_only_outlines() throws Exception {
        OpmlDocument doc = parse("""
                <?xml version="1.0" encoding="ISO-8859-1"?>
                <opml version="1.0">
                  <head><title>mySubscriptions</title></head>
                  <body>
                    <outline text="Scripting News" type="rss" xmlurl="http://scripting.com/rss.xml"
                             htmlurl="http://scripting.com/"/>
                    <outline text="Caf\u00e9" type="rss" XMLURL=" http://cafe.example/feed "/>
                  </body>
                </opml>""".replace("\u00e9", "e"));

        assertThat(doc.title()).isEqualTo("mySubscriptions");
        assertThat(doc.feeds()).containsExactly(
                new OpmlDocument.Feed("http://scripting.com/rss.xml", "Scripting News", "http://scripting.com/", null),
                new OpmlDocument.Feed("http://cafe.example/feed", "Cafe", null, null));
    }

    @Test
    void opml_2_0_nested_categories_are_flattened_in_document_order() throws Exception {
        OpmlDocument doc = parse("""
                <opml version="2.0">
                  <head><title>Nested</title></head>
                  <body>
                    <outline text="News">
                      <outline text="World" title="World news">
                        <outline type="rss" text="BBC" title="BBC World" xmlUrl="https://feeds.example/bbc"/>
                        <outline type="rss" text="Guardian" xmlUrl="https://feeds.example/guardian"
                                 htmlUrl="https://guardian.example/"/>
                      </outline>
                      <outline type="rss" text="Local" xmlUrl="https://feeds.example/local"/>
                    </outline>
                    <outline type="link" text="Just a link" url="https://example.org/"/>
                    <outline type="rss" xmlUrl="https://feeds.example/untitled"/>
                  </body>
                </opml>""");

        assertThat(doc.feeds()).containsExactly(
                new OpmlDocument.Feed("https://feeds.example/bbc", "BBC World", null, "World news"),
                new OpmlDocument.Feed("https://feeds.example/guardian", "Guardian", "https://guardian.example/",
                        "World news"),
                new OpmlDocument.Feed("https://feeds.example/local", "Local", null, "News"),
                new OpmlDocument.Feed("https://feeds.example/untitled", null, null, null));
    }

    @Test
    void a_doctype_with_an_external_entity_is_refused_without_reading_the_file(@TempDir Path dir)
            throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + "<opml version=\"2.0\"><body><outline text=\"&xxe;\" xmlUrl=\"https://x.example/&xxe;\"/>"
                + "</body></opml>";

        assertThatThrownBy(() -> parse(xml))
                .isInstanceOf(OpmlException.class)
                .hasMessage("OPML with a DOCTYPE is refused: DTDs and entities are not allowed")
                .hasMessageNotContaining("TOP-SECRET");
    }

    @Test
    void an_entity_bomb_is_refused() {
        String xml = "<!DOCTYPE opml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                + "<opml version=\"2.0\"><body><outline text=\"&b;\" xmlUrl=\"https://x.example/\"/></body></opml>";

        assertThatThrownBy(() -> parse(xml)).isInstanceOf(OpmlException.class).hasMessageContaining("DOCTYPE");
    }

    @Test
    void malformed_xml_is_a_clear_error_with_its_position() {
        assertThatThrownBy(() -> parse("<opml version=\"2.0\">\n<body><outline text=\"a\"></body></opml>"))
                .isInstanceOf(OpmlException.class)
                .hasMessageStartingWith("OPML is not well-formed XML (line 2, column");
        assertThatThrownBy(() -> parse(""))
                .isInstanceOf(OpmlException.class)
                .hasMessageStartingWith("OPML is not well-formed XML");
    }

    @Test
    void a_document_that_is_not_opml_is_refused() {
        assertThatThrownBy(() -> parse("<rss version=\"2.0\"><channel/></rss>"))
                .isInstanceOf(OpmlException.class)
                .hasMessage("not an OPML document: the root element is <rss>, not <opml>");
    }

    @Test
    void more_than_the_maximum_number_of_outlines_is_refused() {
        String outlines = "<outline type=\"rss\" xmlUrl=\"https://x.example/f\"/>".repeat(Opml.MAX_OUTLINES + 1);

        assertThatThrownBy(() -> parse("<opml version=\"2.0\"><body>" + outlines + "</body></opml>"))
                .isInstanceOf(OpmlException.class)
                .hasMessage("OPML has more than " + Opml.MAX_OUTLINES + " outlines");
    }

    @Test
    void the_maximum_number_of_outlines_is_accepted() throws Exception {
        String outlines = "<outline type=\"rss\" xmlUrl=\"https://x.example/f\"/>".repeat(Opml.MAX_OUTLINES);

        assertThat(parse("<opml version=\"2.0\"><body>" + outlines + "</body></opml>").feeds())
                .hasSize(Opml.MAX_OUTLINES);
    }

    @Test
    void export_escapes_everything_and_parses_back_to_the_same_feeds() throws Exception {
        FetchState state = new FetchState(null, null, null, Instant.EPOCH, 0, null);
        List<Source> sources = List.of(
                new Source(1, "Tom & Jerry's \"<News>\"", "https://feeds.example/a?x=1&y=2", "https://a.example/",
                        Instant.EPOCH, state),
                new Source(2, "Ünïcödé 新闻 \u0001control", "https://feeds.example/b", null, Instant.EPOCH, state));

        String xml = Opml.export(sources);

        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">")
                .contains("xmlUrl=\"https://feeds.example/a?x=1&amp;y=2\"")
                .contains("title=\"Tom &amp; Jerry's &quot;&lt;News&gt;&quot;\"")
                .doesNotContain("\u0001");
        OpmlDocument back = parse(xml);
        assertThat(back.feeds()).containsExactly(
                new OpmlDocument.Feed("https://feeds.example/a?x=1&y=2", "Tom & Jerry's \"<News>\"",
                        "https://a.example/", null),
                new OpmlDocument.Feed("https://feeds.example/b", "Ünïcödé 新闻 control", null, null));
    }

    @Test
    void the_bundled_default_sources_parse_into_a_dozen_https_feeds() {
        OpmlDocument doc = Opml.defaults();

        assertThat(doc.feeds()).hasSizeBetween(10, 20)
                .allSatisfy(f -> {
                    assertThat(f.xmlUrl()).startsWith("https://");
                    assertThat(f.title()).isNotBlank();
                    assertThat(f.category()).isNotBlank();
                });
        assertThat(doc.feeds()).extracting(OpmlDocument.Feed::xmlUrl).doesNotHaveDuplicates();
    }
}
