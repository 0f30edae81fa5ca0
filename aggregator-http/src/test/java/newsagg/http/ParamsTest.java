package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParamsTest {

    private static Params params(String name, String... values) {
        return new Params(Map.of(name, List.of(values)));
    }

    @Test
    void anAbsentIntegerTakesItsDefault() {
        assertThat(new Params(Map.of()).intValue("limit", 20, 1, 100)).isEqualTo(20);
        assertThat(params("limit", "").intValue("limit", 20, 1, 100)).isEqualTo(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "1e3", "abc", "99999999999999999999", " 5", "0x10"})
    void anIntegerOutOfRangeOrMalformedIsA400NamingTheParameter(String value) {
        assertThatThrownBy(() -> params("limit", value).intValue("limit", 20, 1, 100))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.type().status()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("limit: ");
                });
    }

    @Test
    void instantsAcceptOffsetsAndPlainDates() {
        assertThat(params("since", "2026-11-26T08:00:00Z").instant("since"))
                .isEqualTo(Instant.parse("2026-11-26T08:00:00Z"));
        assertThat(params("since", "2026-11-26T10:00:00+02:00").instant("since"))
                .isEqualTo(Instant.parse("2026-11-26T08:00:00Z"));
        assertThat(params("since", "2026-11-26").instant("since"))
                .isEqualTo(Instant.parse("2026-11-26T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-13-01", "1732608000", "2026-11-26T25:00:00Z"})
    void aMalformedInstantIsA400NamingTheParameter(String value) {
        assertThatThrownBy(() -> params("until", value).instant("until"))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("until: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+294277-01-01T00:00:00Z", "+10000-01-01", "-4714-11-24T00:00:00Z", "0000-12-31T23:59:59Z"})
    void anInstantOutsideTheYearsOneToNineThousandNineHundredNinetyNineIsA400(String value) {
        assertThatThrownBy(() -> params("since", value).instant("since"))
                .isInstanceOf(ApiException.class)
                .hasMessage("since: must be a time from 0001-01-01 to 9999-12-31 (UTC)");
    }

    @Test
    void theFirstAndLastInstantsOfTheRangeAreAccepted() {
        assertThat(params("since", "0001-01-01").instant("since")).isEqualTo(Params.EARLIEST);
        assertThat(params("until", "9999-12-31T23:59:59.999999999Z").instant("until"))
                .isEqualTo(Params.AFTER_LATEST.minusNanos(1));
    }

    @Test
    void idsMayRepeatButNotBeyondTheLimit() {
        assertThat(params("source", "3", "1").ids("source", 5)).containsExactly(3L, 1L);
        assertThatThrownBy(() -> params("source", "1", "2", "3").ids("source", 2))
                .hasMessageStartingWith("source: ");
        assertThatThrownBy(() -> params("source", "1", "x").ids("source", 5))
                .hasMessageStartingWith("source: ");
    }

    @Test
    void aSingleValuedParameterGivenTwiceIsRefused() {
        assertThatThrownBy(() -> params("limit", "1", "2").intValue("limit", 20, 1, 100))
                .hasMessageStartingWith("limit: ");
    }

    @Test
    void nulCharactersAndOverlongValuesAreRefused() {
        assertThatThrownBy(() -> params("q", "war\0peace").text("q", 200)).hasMessageStartingWith("q: ");
        assertThatThrownBy(() -> params("q", "x".repeat(201)).text("q", 200)).hasMessageStartingWith("q: ");
        assertThatThrownBy(() -> params("cursor", "x".repeat(5000)).single("cursor")).hasMessageStartingWith("cursor: ");
    }

    @Test
    void textIsStrippedAndCountedInCodePoints() {
        String emoji = "\uD83D\uDCF0".repeat(200);
        assertThat(params("q", "  markets  ").text("q", 200)).isEqualTo("markets");
        assertThat(params("q", emoji).text("q", 200)).isEqualTo(emoji);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-4", "abc", "12345678901234567890", ""})
    void aPathIdMustBeAPositiveInteger(String raw) {
        assertThatThrownBy(() -> Params.id("id", raw)).hasMessageStartingWith("id: ");
    }
}
