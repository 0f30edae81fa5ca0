package newsagg.core.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EncodingTest {
    private final FeedParser parser = new FeedParser();

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("windows-1252", "windows-1252", "Café – “quoted” €5"),
                Arguments.of("ISO-8859-1", "windows-1252", "Café – “quoted” €5"),
                Arguments.of("ISO-8859-2", "ISO-8859-2", "Zażółć gęślą jaźń"),
                Arguments.of("ISO-8859-5", "ISO-8859-5", "Привет, мир"),
                Arguments.of("ISO-8859-7", "ISO-8859-7", "Καλημέρα κόσμε"),
                Arguments.of("KOI8-R", "KOI8-R", "Съешь же ещё этих мягких булок"),
                Arguments.of("windows-1251", "windows-1251", "Новости Оренбурга"),
                Arguments.of("Shift_JIS", "Shift_JIS", "日本語のニュース"),
                Arguments.of("GB2312", "GB2312", "中文新闻标题"),
                Arguments.of("GBK", "GBK", "中文新聞標題"),
                Arguments.of("EUC-KR", "EUC-KR", "한국어 뉴스"),
                Arguments.of("Big5", "Big5", "繁體中文新聞"),
                Arguments.of("UTF-8", "UTF-8", "Ünïcödé ✓ 😀"));
    }

    private static String doc(String declared, String title) {
        return "<?xml version=\"1.0\" encoding=\"" + declared + "\"?>\n"
                + "<rss version=\"2.0\"><channel><title>F</title><item><title>" + title + "</title></item></channel></rss>";
    }

    private String title(byte[] body, String contentType) throws FeedParseException {
        return parser.parse(body, contentType).entries().get(0).title();
    }

    @ParameterizedTest(name = "{0} from the XML declaration")
    @MethodSource("samples")
    void encoding_named_in_the_xml_declaration_is_honoured(String label, String javaCharset, String text) throws Exception {
        byte[] body = doc(label, text).getBytes(Charset.forName(javaCharset));
        assertThat(title(body, "application/rss+xml")).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0} from the HTTP charset over a wrong declaration")
    @MethodSource("samples")
    void http_charset_wins_over_the_xml_declaration(String label, String javaCharset, String text) throws Exception {
        byte[] body = doc("UTF-8", text).getBytes(Charset.forName(javaCharset));
        assertThat(title(body, "text/xml; charset=\"" + label + "\"")).isEqualTo(text);
    }

    @ParameterizedTest(name = "BOM {0}")
    @MethodSource("boms")
    void byte_order_mark_wins_over_http_charset_and_declaration(String name, byte[] bom, Charset charset) throws Exception {
        String text = "Grüße – 日本";
        byte[] content = doc("ISO-8859-1", text).getBytes(charset);
        byte[] body = new byte[bom.length + content.length];
        System.arraycopy(bom, 0, body, 0, bom.length);
        System.arraycopy(content, 0, body, bom.length, content.length);
        assertThat(title(body, "text/xml; charset=windows-1251")).isEqualTo(text);
    }

    static Stream<Arguments> boms() {
        return Stream.of(
                Arguments.of("UTF-8", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, StandardCharsets.UTF_8),
                Arguments.of("UTF-16BE", new byte[] {(byte) 0xFE, (byte) 0xFF}, StandardCharsets.UTF_16BE),
                Arguments.of("UTF-16LE", new byte[] {(byte) 0xFF, (byte) 0xFE}, StandardCharsets.UTF_16LE));
    }

    @org.junit.jupiter.api.Test
    void without_any_label_utf8_is_assumed_and_bad_bytes_become_replacement_characters() throws Exception {
        byte[] good = "<rss version=\"2.0\"><channel><title>F</title><item><title>naïve</title></item></channel></rss>"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(title(good, null)).isEqualTo("naïve");
        byte[] bad = "<rss version=\"2.0\"><channel><title>F</title><item><title>na\u00EFve</title></item></channel></rss>"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(title(bad, null)).isEqualTo("na\uFFFDve");
    }

    @org.junit.jupiter.api.Test
    void unknown_http_charset_falls_back_to_the_declaration() throws Exception {
        byte[] body = doc("KOI8-R", "Привет").getBytes(Charset.forName("KOI8-R"));
        assertThat(title(body, "text/xml; charset=x-made-up")).isEqualTo("Привет");
    }
}
