package newsagg.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class CopyTextTest {

    @Test
    void escapesBackslashTabNewlineAndCarriageReturn() {
        StringBuilder out = new StringBuilder();
        new CopyText(out).text("a\\b\tc\nd\re").endRow();

        assertThat(out).hasToString("a\\\\b\\tc\\nd\\re\n");
    }

    @Test
    void writesNullAsBackslashNAndSeparatesFieldsWithTabs() {
        StringBuilder out = new StringBuilder();
        new CopyText(out).number(7).text(null).text("\\N").timestamp(Instant.parse("2025-03-01T12:34:56Z")).endRow();

        assertThat(out).hasToString("7\t\\N\t\\\\N\t2025-03-01 12:34:56+00\n");
    }

    @Test
    void quotesEveryArrayElementAndEscapesQuotesAndBackslashes() {
        assertThat(CopyText.arrayLiteral(List.of())).isEqualTo("{}");
        assertThat(CopyText.arrayLiteral(List.of("Crime & Justice", "U.S."))).isEqualTo("{\"Crime & Justice\",\"U.S.\"}");
        assertThat(CopyText.arrayLiteral(List.of("a\"b", "c\\d", "{x,y}", "NULL", "")))
                .isEqualTo("{\"a\\\"b\",\"c\\\\d\",\"{x,y}\",\"NULL\",\"\"}");
    }

    @Test
    void arraysAreEscapedAgainAsCopyFields() {
        StringBuilder out = new StringBuilder();
        new CopyText(out).textArray(Arrays.asList("back\\slash", "tab\there")).endRow();

        assertThat(out).hasToString("{\"back\\\\\\\\slash\",\"tab\\there\"}\n");
    }

    @Test
    void rowsAreIndependent() {
        StringBuilder out = new StringBuilder();
        CopyText row = new CopyText(out);
        row.text("a").text("b").endRow();
        row.text("c").endRow();

        assertThat(out).hasToString("a\tb\nc\n");
    }
}
