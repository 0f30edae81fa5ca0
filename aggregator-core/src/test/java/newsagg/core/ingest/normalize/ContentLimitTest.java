package newsagg.core.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Stored HTML is cut to its byte limit between elements: never inside a tag, an entity or a character. */
class ContentLimitTest {
    private static final URI BASE = URI.create("https://e.example/");
    private final HtmlSanitizer sanitizer = new HtmlSanitizer();

    @ParameterizedTest(name = "{0} x{1} in {2} bytes")
    @CsvSource(delimiter = '|', textBlock = """
            <p>plain words here</p>                       | 500  | 1000
            <p>é and ü and 😀 and 中文</p>                   | 500  | 1000
            <p><a href="/x?a=1&amp;b=2">link</a> &amp; more</p> | 500 | 2000
            <div><b>x</b><i>y &lt;z&gt;</i></div>            | 2000 | 4096
            <b>x</b>                                         | 5000 | 777
            """)
    void long_content_is_cut_to_well_formed_html_within_the_limit(String unit, int copies, int maxBytes) {
        String html = unit.repeat(copies);

        String out = sanitizer.sanitize(html, BASE, maxBytes);

        assertThat(out.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(maxBytes)
                .isGreaterThan(maxBytes / 3);
        // Well-formed: sanitizing again changes nothing, so no tag or entity was split and every element is closed.
        assertThat(sanitizer.sanitize(out, BASE)).isEqualTo(out);
        String first = sanitizer.sanitize(unit, BASE);
        assertThat(out).startsWith(first);
        // No lone surrogate: the text survives a round trip through UTF-8.
        assertThat(new String(out.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            abc<b class="x">def  | 5  | abc
            abc&amp;def          | 6  | abc
            abc&amp;def          | 8  | abc&amp;
            a😀b                 | 2  | a
            <p>ok</p>            | 20 | <p>ok</p>
            """)
    void the_cut_falls_before_a_split_tag_entity_or_character(String html, int max, String expected) {
        assertThat(HtmlSanitizer.safePrefix(html, max)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            abc  | 3
            é    | 2
            中   | 3
            😀   | 4
            """)
    void utf8_length_counts_bytes(String s, int bytes) {
        assertThat(HtmlSanitizer.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length).isEqualTo(bytes);
    }
}
