package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConditionalTest {

    static final String TAG = "\"abc\"";

    @ParameterizedTest(name = "If-None-Match: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"abc\"                      | true",
            "W/\"abc\"                    | true",
            "\"x\", \"abc\"               | true",
            "\"x\",W/\"abc\"              | true",
            "*                            | true",
            "\"x\"                        | false",
            "\"abcd\"                     | false",
            "\"ab\"                       | false",
            "abc                          | false",
            "\"a,b\", \"abc\"             | true",
            "\"unterminated, \"abc\"      | false",
            "''                           | false",
    })
    void ifNoneMatchUsesTheWeakComparisonOverAList(String field, boolean matches) {
        assertThat(Conditional.matches(field, TAG)).isEqualTo(matches);
    }

    @Test
    void theTagIsStrongAndTheSameForTheSameBytesOnly() {
        Representation one = Representation.of("{\"items\":[1]}".getBytes(StandardCharsets.UTF_8));
        Representation same = Representation.of("{\"items\":[1]}".getBytes(StandardCharsets.UTF_8));
        Representation other = Representation.of("{\"items\":[2]}".getBytes(StandardCharsets.UTF_8));

        assertThat(one.etag()).matches("\"[A-Za-z0-9_-]{22}\"").isEqualTo(same.etag()).isNotEqualTo(other.etag());
    }

    @Test
    void theStoredFormKeepsTheTagWithTheBytes() {
        Representation original = Representation.of("{\"items\":[]}".getBytes(StandardCharsets.UTF_8));

        Representation decoded = Representation.CODEC.decode(Representation.CODEC.encode(original));

        assertThat(decoded.etag()).isEqualTo(original.etag());
        assertThat(decoded.body()).isEqualTo(original.body());
    }

    @Test
    void bareJsonStoredBeforeTagsIsNotReadAsARepresentation() {
        assertThatThrownBy(() -> Representation.CODEC.decode("{\"items\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Representation.CODEC.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        // {"… with a quote where a tag of length '{' (123) would end.
        String longJson = "{\"a\":\"" + "x".repeat(117) + "\"b\":1}";
        assertThat(longJson.charAt(123)).isEqualTo('"');
        assertThatThrownBy(() -> Representation.CODEC.decode(longJson.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
