package newsagg.core.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParsedFeed.FeedFormat;
import newsagg.core.ingest.parse.ParsedFeed.RawEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class XmlSafetyTest {
    private static final String XXE = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <rss version="2.0"><channel><title>t</title><link>http://example.com/</link>
            <item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>
            """;

    /** Ten levels of tenfold expansion: 10^10 "lol"s, about 30 GB if a parser expanded it. */
    private static final String BOMB = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [
             <!ENTITY lol "lol">
             <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
             <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
             <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
             <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
             <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
             <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
             <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
             <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
             <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
             <!ENTITY lol10 "&lol9;&lol9;&lol9;&lol9;&lol9;&lol9;&lol9;&lol9;&lol9;&lol9;">
            ]>
            <rss version="2.0"><channel><title>&lol10;</title>
            <item><title>&lol10;</title></item></channel></rss>
            """;

    /** Pushes the DOCTYPE past the pre-parser's prolog scan, so only the SAX parser's own settings stand guard. */
    private static final String LONG_PROLOG_COMMENT = "<!--" + "x".repeat(5000) + "-->\n";

    private final FeedParser parser = new FeedParser();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void external_entity_is_refused_without_reading_the_file(boolean hideDoctypeFromPrescan) {
        String doc = hideDoctypeFromPrescan ? XXE.replaceFirst("\\?>\n", "?>\n" + LONG_PROLOG_COMMENT) : XXE;
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> parser.parse(utf8(doc), "application/rss+xml"))
                        .isInstanceOf(FeedParseException.class)
                        .hasMessageNotContaining("root:")
                        .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase(
                                hideDoctypeFromPrescan ? "DOCTYPE is disallowed" : "internal subset")));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void billion_laughs_fails_fast(boolean hideDoctypeFromPrescan) {
        String doc = hideDoctypeFromPrescan ? BOMB.replaceFirst("\\?>\n", "?>\n" + LONG_PROLOG_COMMENT) : BOMB;
        Runtime rt = Runtime.getRuntime();
        long usedBefore = rt.totalMemory() - rt.freeMemory();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> parser.parse(utf8(doc), null))
                        .isInstanceOf(FeedParseException.class)
                        .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase(
                                hideDoctypeFromPrescan ? "DOCTYPE is disallowed" : "internal subset")));
        long usedAfter = rt.totalMemory() - rt.freeMemory();
        // Loose on purpose (GC timing): an expansion would need gigabytes, this allows 256 MiB of noise.
        assertThat(usedAfter - usedBefore).isLessThan(256L * 1024 * 1024);
    }

    @org.junit.jupiter.api.Test
    void external_netscape_doctype_without_subset_is_ignored_not_loaded() throws Exception {
        String doc = """
                <?xml version="1.0"?>
                <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
                  "http://127.0.0.1:9/rss-0.91.dtd">
                <rss version="0.91"><channel><title>t</title><link>http://example.com/</link>
                <description>d</description><language>en</language>
                <item><title>One&nbsp;item</title><link>http://example.com/1</link></item></channel></rss>
                """;
        ParsedFeed feed = parser.parse(utf8(doc), null);
        assertThat(feed.format()).isEqualTo(FeedFormat.RSS_0_9X);
        assertThat(feed.entries()).extracting(RawEntry::title).containsExactly("One\u00A0item");
    }
}
