package newsagg.core.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.normalize.FeedPipeline.NormalizedFeed;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Feeds written the ways the established parsers (feedparser, gofeed) and the RFCs read them, end to end through
 * parse and normalize: one small snippet per case, written for this test, and the field it must give.
 */
class FidelityTest {
    private static final URI FEED_URL = URI.create("https://feed.example/feed.xml");
    private static final Instant FETCHED = Instant.parse("2030-01-01T00:00:00Z");
    private static final String ATOM = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title>";
    private static final String ATOM03 = "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>F</title>";
    private static final String RDF = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
            + "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            + "<channel rdf:about=\"https://site.example/\"><title>F</title><link>https://site.example/</link>"
            + "<description>d</description></channel>";
    private static final String RSS = "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
            + "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>F</title><link>https://site.example/</link>";

    private final FeedPipeline pipeline = new FeedPipeline();

    private NormalizedFeed read(String doc) throws FeedParseException {
        return pipeline.parseFeed(doc.getBytes(StandardCharsets.UTF_8), null, FEED_URL, FETCHED);
    }

    private static Arguments field(String name, String doc, Function<NewArticle, String> field, String expected) {
        return Arguments.of(name, doc, field, expected);
    }

    static Stream<Arguments> fields() {
        Function<NewArticle, String> title = NewArticle::title;
        Function<NewArticle, String> content = NewArticle::contentHtml;
        Function<NewArticle, String> author = NewArticle::author;
        Function<NewArticle, String> url = NewArticle::url;
        String base64Html = Base64.getEncoder().encodeToString("<p>Hello <b>base64</b></p>".getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                // Class 3: Atom text constructs (RFC 4287 §3.1).
                field("atom title without type is text", ATOM + "<entry><id>1</id><title>AT&amp;T &lt;S&gt;</title></entry></feed>",
                        title, "AT&T <S>"),
                field("atom content without type is text", ATOM + "<entry><id>1</id><title>t</title>"
                        + "<content>AT&amp;T &lt;b&gt;x&lt;/b&gt;</content></entry></feed>", content, "AT&amp;T &lt;b&gt;x&lt;/b&gt;"),
                field("atom content type=text is text", ATOM + "<entry><id>1</id><title>t</title>"
                        + "<content type=\"text\">1 &lt; 2</content></entry></feed>", content, "1 &lt; 2"),
                field("atom content type=html is escaped html", ATOM + "<entry><id>1</id><title>t</title>"
                        + "<content type=\"html\">&lt;p&gt;Hi &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;</content></entry></feed>",
                        content, "<p>Hi <b>there</b></p>"),
                field("atom content type=xhtml is markup without its div", ATOM + "<entry><id>1</id><title>t</title>"
                        + "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi <b>there</b> &amp; "
                        + "you</p></div></content></entry></feed>", content, "<p>Hi <b>there</b> &amp; you</p>"),
                field("atom xhtml with a prefix", ATOM + "<entry><id>1</id><title>t</title>"
                        + "<content type=\"xhtml\"><x:div xmlns:x=\"http://www.w3.org/1999/xhtml\"><x:p>Prefixed</x:p>"
                        + "</x:div></content></entry></feed>", content, "<p>Prefixed</p>"),
                field("atom xhtml title is text of the markup", ATOM + "<entry><id>1</id><title type=\"xhtml\">"
                        + "<div xmlns=\"http://www.w3.org/1999/xhtml\">Big <b>news</b></div></title></entry></feed>",
                        title, "Big news"),
                field("atom 0.3 base64 mode is decoded", ATOM03 + "<entry><id>1</id><title>t</title>"
                        + "<content type=\"text/html\" mode=\"base64\">" + base64Html + "</content></entry></feed>",
                        content, "<p>Hello <b>base64</b></p>"),
                field("atom 0.3 escaped mode is html", ATOM03 + "<entry><id>1</id><title>t</title>"
                        + "<content type=\"text/html\" mode=\"escaped\">&lt;i&gt;x&lt;/i&gt;</content></entry></feed>",
                        content, "<i>x</i>"),
                // Class 4: titles and authors with markup or escaped markup; Dublin Core; RDF.
                field("rdf item title is the title, not its description", RDF + "<item rdf:about=\"https://site.example/1\">"
                        + "<title>The title</title><link>https://site.example/1</link><description>The description"
                        + "</description></item></rdf:RDF>", title, "The title"),
                field("rdf item dc:title is the title", RDF + "<item rdf:about=\"https://site.example/1\">"
                        + "<dc:title>Dublin title</dc:title><link>https://site.example/1</link><description>The "
                        + "description</description></item></rdf:RDF>", title, "Dublin title"),
                field("rdf item dc:creator is the author", RDF + "<item rdf:about=\"https://site.example/1\">"
                        + "<title>t</title><link>https://site.example/1</link><dc:creator>Ann Author</dc:creator>"
                        + "</item></rdf:RDF>", author, "Ann Author"),
                field("rss title with elements keeps all its text", RSS + "<item><guid>1</guid>"
                        + "<title>Foo <b>bar</b> baz</title></item></channel></rss>", title, "Foo bar baz"),
                field("rss title of only escaped brackets is kept literally", RSS + "<item><guid>1</guid>"
                        + "<title>&lt;&gt;</title></item></channel></rss>", title, "<>"),
                field("rss title with escaped markup is its text", RSS + "<item><guid>1</guid>"
                        + "<title>&lt;b&gt;Bold&lt;/b&gt; move</title></item></channel></rss>", title, "Bold move"),
                field("dc:title stands in for a missing title", RSS + "<item><guid>1</guid>"
                        + "<dc:title>Dublin title</dc:title><description>Body</description></item></channel></rss>",
                        title, "Dublin title"),
                field("dc:creator is the author", RSS + "<item><guid>1</guid><title>t</title>"
                        + "<dc:creator>Ana Lopez</dc:creator></item></channel></rss>", author, "Ana Lopez"),
                field("rss author with elements keeps all its text", RSS + "<item><guid>1</guid><title>t</title>"
                        + "<author>Jane <i>Doe</i></author></item></channel></rss>", author, "Jane Doe"),
                // Class 5: inheritance and links.
                field("atom entry inherits the feed author", ATOM + "<author><name>Feed Author</name></author>"
                        + "<entry><id>1</id><title>t</title></entry></feed>", author, "Feed Author"),
                field("atom entry author wins over the feed's", ATOM + "<author><name>Feed Author</name></author>"
                        + "<entry><id>1</id><title>t</title><author><name>Own</name></author></entry></feed>", author, "Own"),
                field("atom entry inherits its source's author", ATOM + "<author><name>Feed Author</name></author>"
                        + "<entry><id>1</id><title>t</title><source><author><name>Source Author</name></author></source>"
                        + "</entry></feed>", author, "Source Author"),
                field("atom 0.3 entry inherits the feed author", ATOM03 + "<author><name>Old Author</name></author>"
                        + "<entry><id>1</id><title>t</title></entry></feed>", author, "Old Author"),
                field("json feed item inherits the feed authors", "{\"version\":\"https://jsonfeed.org/version/1.1\","
                        + "\"title\":\"F\",\"authors\":[{\"name\":\"Jay\"}],\"items\":[{\"id\":\"1\",\"title\":\"t\"}]}",
                        author, "Jay"),
                field("atom:link in an rss item is its link", RSS + "<item><guid isPermaLink=\"false\">1</guid><title>t</title>"
                        + "<atom:link rel=\"alternate\" href=\"https://site.example/post\"/></item></channel></rss>",
                        url, "https://site.example/post"),
                field("xml:base on an atom content element resolves its relative urls", ATOM + "<entry><id>1</id>"
                        + "<title>t</title><content type=\"html\" xml:base=\"https://cdn.example/img/\">"
                        + "&lt;img src=\"a.png\"&gt;</content></entry></feed>", content,
                        "<img src=\"https://cdn.example/img/a.png\">"),
                field("xml:base on an atom link element resolves the link", ATOM + "<entry xml:base=\"https://a.example/x/\">"
                        + "<id>1</id><title>t</title><link xml:base=\"posts/\" href=\"42\"/></entry></feed>", url,
                        "https://a.example/x/posts/42"),
                field("xml:base on an rss description resolves its relative urls", RSS + "<item><guid>1</guid><title>t</title>"
                        + "<description xml:base=\"https://img.example/\">&lt;a href=\"p\"&gt;p&lt;/a&gt;</description>"
                        + "</item></channel></rss>", content,
                        "<a href=\"https://img.example/p\" rel=\"nofollow noopener noreferrer\">p</a>"),
                // Class 6: Windows-1252 numeric references.
                field("windows-1252 numeric references are mapped", RSS + "<item><guid>1</guid>"
                        + "<title>It&#146;s &#147;quoted&#148; &#150; ok</title></item></channel></rss>",
                        title, "It\u2019s \u201Cquoted\u201D \u2013 ok"),
                // Class 7: tolerance.
                field("rss without a channel is read", "<rss version=\"2.0\"><title>F</title><item><guid>1</guid>"
                        + "<title>No channel</title></item></rss>", title, "No channel"),
                field("an xhtml doctype before rss is harmless", "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
                        + "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">" + RSS + "<item><guid>1</guid>"
                        + "<title>Doctype</title></item></channel></rss>", title, "Doctype"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fields")
    void fields_are_read_as_the_established_parsers_read_them(String name, String doc,
                                                               Function<NewArticle, String> field, String expected)
            throws Exception {
        List<NewArticle> articles = read(doc).articles();

        assertThat(articles).hasSize(1);
        assertThat(field.apply(articles.get(0))).isEqualTo(expected);
    }

    static Stream<Arguments> siteLinks() {
        return Stream.of(
                Arguments.of(ATOM + "<link rel=\"self\" href=\"https://site.example/feed.atom\"/>"
                        + "<link rel=\"alternate\" type=\"text/html\" href=\"https://site.example/\"/></feed>",
                        "https://site.example/"),
                Arguments.of(ATOM + "<link rel=\"self\" href=\"https://site.example/feed.atom\"/>"
                        + "<link href=\"https://site.example/home\"/></feed>", "https://site.example/home"),
                Arguments.of(ATOM + "<link rel=\"self\" href=\"https://site.example/feed.atom\"/></feed>", null),
                Arguments.of("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>F</title>"
                        + "<atom:link rel=\"self\" href=\"https://site.example/rss\"/>"
                        + "<atom:link rel=\"alternate\" href=\"https://site.example/alt\"/></channel></rss>",
                        "https://site.example/alt"));
    }

    @ParameterizedTest
    @MethodSource("siteLinks")
    void the_site_url_is_the_alternate_link_never_self(String doc, String expected) throws Exception {
        assertThat(read(doc).siteUrl()).isEqualTo(expected);
    }

    @Test
    void a_quoted_charset_parameter_is_honoured() throws Exception {
        Charset gbk = Charset.forName("GBK");
        byte[] body = ("<?xml version=\"1.0\"?>" + RSS + "<item><guid>1</guid><title>\u4e2d\u6587\u6807\u9898</title>"
                + "</item></channel></rss>").getBytes(gbk);
        for (String contentType : List.of("text/xml; charset='gb2312'", "text/xml; charset=\"gb2312\"")) {
            List<NewArticle> articles = pipeline.parseFeed(body, contentType, FEED_URL, FETCHED).articles();
            assertThat(articles.get(0).title()).isEqualTo("\u4e2d\u6587\u6807\u9898");
        }
    }

    @Test
    void items_sharing_a_guid_with_different_links_stay_distinct_and_true_duplicates_collapse() throws Exception {
        String doc = RSS
                + "<item><guid isPermaLink=\"false\">https://site.example/</guid><title>One</title><link>https://site.example/1</link></item>"
                + "<item><guid isPermaLink=\"false\">https://site.example/</guid><title>Two</title><link>https://site.example/2</link></item>"
                + "<item><guid isPermaLink=\"false\">https://site.example/</guid><title>Two again</title><link>https://site.example/2</link></item>"
                + "<item><guid isPermaLink=\"false\">solo</guid><title>Solo</title><link>https://site.example/s</link></item>"
                + "<item><guid isPermaLink=\"false\">solo</guid><title>Solo again</title><link>https://site.example/s</link></item>"
                + "</channel></rss>";

        List<NewArticle> articles = read(doc).articles();

        assertThat(articles).extracting(NewArticle::title).containsExactly("One", "Two", "Solo");
        assertThat(articles.get(2).dedupeKey()).isEqualTo(Normalizer.dedupeKey("solo", null, "", ""));
        assertThat(articles).extracting(NewArticle::dedupeKey).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "<rss version=\"2.0\"><channel><item><title>x</title></item>",
        "<rss version=\"2.0\"><channel><title>x</title><item><title>a</b></item></channel></rss>",
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><nothing/></rdf:RDF>",
        "<feed><entry><title>no namespace</title></entry></feed>",
        "<?xml version=\"1.0\"?><foo:rss xmlns:foo=\"urn:x\"><foo:channel/></foo:rss>"})
    void refusals_are_plain_sentences_without_java_exception_text(String doc) {
        assertThatThrownBy(() -> read(doc))
                .isInstanceOf(FeedParseException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainIgnoringCase("exception")
                        .doesNotContain("java.").doesNotContain("null").doesNotContain("Cannot invoke")
                        .doesNotContain("\n").hasSizeLessThan(220));
    }
}
