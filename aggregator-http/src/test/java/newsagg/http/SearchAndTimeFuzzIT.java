package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import com.zaxxer.hikari.HikariDataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import newsagg.core.CoreOptions;
import newsagg.core.NewsCore;
import newsagg.core.domain.NewArticle;
import newsagg.core.domain.Source;
import newsagg.core.testing.TestPostgres;

/**
 * Property: whatever websearch syntax a client writes in {@code q}, whatever time it gives as {@code since} or
 * {@code until}, and whatever position it forges into a cursor, the answer is a 200 or a 400 naming the parameter,
 * never a 5xx. PostgreSQL refuses some of these ("tsquery stack too small", "timestamp out of range"); each such
 * refusal used to be a 500 with a stack trace in the log. The seeds are fixed, so a failure is reproducible.
 */
class SearchAndTimeFuzzIT {

    static String jdbcUrl;
    static TestServer server;

    @BeforeContainer
    static void start() {
        jdbcUrl = TestPostgres.server().createDatabase();
        server = TestServer.start(jdbcUrl, TestPostgres.server().user(), TestPostgres.server().password(),
                Map.of("FEEDS_POLL_ENABLED", "false"));
        try (HikariDataSource data = new HikariDataSource()) {
            data.setJdbcUrl(jdbcUrl);
            data.setUsername(TestPostgres.server().user());
            data.setPassword(TestPostgres.server().password());
            data.setSchema(CoreOptions.DEFAULT_SCHEMA);
            NewsCore core = NewsCore.open(data);
            Source source = core.sources().create("https://fuzz.example.org/feed", "Fuzz", null);
            Instant now = Instant.now();
            core.articles().upsert(source.id(), List.of(new NewArticle("k1", "g1", "https://fuzz.example.org/1",
                    "Market news said state-of-the-art", "The market said news of the day", "<p>news</p>", null,
                    now, now, List.of("news"))));
        }
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (jdbcUrl != null) {
            TestPostgres.server().dropDatabase(jdbcUrl);
        }
    }

    @Property(tries = 400, seed = "20261201")
    void anySearchTextIsA200OrA400NamingQ(@ForAll("websearch") String q) {
        assertOkOrInvalid(server.get("/api/search?q=" + encode(q)), "q");
    }

    @Property(tries = 300, seed = "20261202")
    void anyTimeRangeIsA200OrA400NamingSinceOrUntil(@ForAll("times") String since, @ForAll("times") String until) {
        assertOkOrInvalid(server.get("/api/articles?since=" + encode(since)), "since");
        assertOkOrInvalid(server.get("/api/articles?until=" + encode(until)), "until");
        assertOkOrInvalid(server.get("/api/articles?since=" + encode(since) + "&until=" + encode(until)), "since", "until");
    }

    @Property(tries = 200, seed = "20261203")
    void anyForgedCursorPositionIsA200OrA400NamingTheCursor(@ForAll long micros, @ForAll long id) {
        assertOkOrInvalid(server.get("/api/articles?cursor=" + newestCursor(micros, id)), "cursor");
    }

    @Example
    void thirtyThreeBareNotOperatorsAreA400NamingQ() {
        HttpResponse<String> response = server.get("/api/search?q=" + encode("news " + "- ".repeat(33)));

        assertThat(ApiContractIT.assertProblem(response, 400).get("detail").asText()).startsWith("q: ");
        assertThat(server.get("/api/search?q=" + encode("news " + "- ".repeat(ReadHandlers.MAX_NOT_OPERATORS))).statusCode())
                .isEqualTo(200);
    }

    @Example
    void aYearPastPostgresqlsRangeIsA400NamingTheParameter() {
        HttpResponse<String> response = server.get("/api/articles?until=" + encode("+294277-01-01T00:00:00Z"));

        assertThat(ApiContractIT.assertProblem(response, 400).get("detail").asText()).startsWith("until: ");
    }

    @Example
    void theLowestCursorPositionIsA400NamingTheCursor() {
        HttpResponse<String> response = server.get("/api/articles?cursor=" + newestCursor(Long.MIN_VALUE, 1));

        assertThat(ApiContractIT.assertProblem(response, 400).get("detail").asText()).startsWith("cursor: ");
    }

    private static void assertOkOrInvalid(HttpResponse<String> response, String... parameters) {
        assertThat(response.statusCode()).as("%s %s", response.uri(), response.body()).isIn(200, 400);
        if (response.statusCode() == 400) {
            String detail = TestServer.json(response).get("detail").asText();
            assertThat(List.of(parameters)).as(detail).anyMatch(p -> detail.startsWith(p + ": "));
        }
    }

    @Provide
    Arbitrary<String> websearch() {
        Arbitrary<String> words = Arbitraries.of("news", "market", "said", "the", "a", "state-of-the-art", "x1", "über");
        Arbitrary<String> syntax = Arbitraries.of(" ", " ", "-", "--", "\"", "or", "OR", "(", ")", "&", "|", "!", ":*",
                "<->", "'", "\\", ":", "*", "-news", "\"news", "or-", "- ", " -", "\u0000", "\n", "- - - - - - - - ", "--------");
        Arbitrary<String> noise = Arbitraries.strings().ofMinLength(1).ofMaxLength(4);
        return Arbitraries.frequencyOf(
                        Tuple.of(4, words), Tuple.of(5, syntax), Tuple.of(1, noise))
                .list().ofMinSize(1).ofMaxSize(120)
                .map(tokens -> String.join("", tokens))
                .map(text -> text.codePointCount(0, text.length()) > ReadHandlers.MAX_QUERY_CHARS
                        ? text.substring(0, text.offsetByCodePoints(0, ReadHandlers.MAX_QUERY_CHARS)) : text);
    }

    @Provide
    Arbitrary<String> times() {
        Arbitrary<Integer> year = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1900, 2100)),
                Tuple.of(2, Arbitraries.integers().between(-300_000, 300_000)),
                Tuple.of(1, Arbitraries.of(-4714, -4713, 0, 1, 9999, 10000, 294276, 294277, -999_999_999, 999_999_999)));
        Arbitrary<String> offset = Arbitraries.of("Z", "+00:00", "+18:00", "-18:00", "+05:30", "");
        return Combinators.combine(year, Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 28),
                        Arbitraries.integers().between(0, 23), offset)
                .as((y, month, day, hour, zone) -> {
                    String yearText = y > 9999 ? "+" + y : y < 0 ? String.format("-%04d", -y) : String.format("%04d", y);
                    String date = yearText + String.format("-%02d-%02d", month, day);
                    return zone.isEmpty() ? date : date + String.format("T%02d:00:00", hour) + zone;
                });
    }

    /** A newest-listing cursor as the server encodes one; its checksum is no secret, so anyone can forge one. */
    static String newestCursor(long micros, long id) {
        ByteBuffer buffer = ByteBuffer.allocate(1 + 1 + 8 + 8 + 4);
        buffer.put((byte) 1).put((byte) 'n').putLong(micros).putLong(id);
        CRC32 crc = new CRC32();
        crc.update(buffer.array(), 0, buffer.capacity() - 4);
        buffer.putInt((int) crc.getValue());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
