package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class CacheKeyTest {

    private static final String SAFE_KEY = "[A-Za-z0-9._=&,:-]+";

    @Test
    void rendersNamespaceVersionCacheGenerationAndParts() {
        CacheKey key = CacheKey.of("search").with("q", "rust").with("limit", 20).build();
        assertThat(key.render("newsagg", 7)).isEqualTo("newsagg:v2:search:7:limit=20&q=rust");
    }

    @Test
    void generationIsEmbeddedSoDifferentGenerationsGiveDifferentKeys() {
        CacheKey key = CacheKey.of("latest").with("limit", 20).build();
        assertThat(key.render("newsagg", 1)).isNotEqualTo(key.render("newsagg", 2));
        assertThat(key.render("newsagg", 2)).contains(":2:");
    }

    @Test
    void parameterOrderDoesNotMatter() {
        CacheKey one = CacheKey.of("search").with("q", "rust").with("limit", 20).with("source", 3).build();
        CacheKey other = CacheKey.of("search").with("source", 3).with("limit", 20).with("q", "rust").build();
        assertThat(one).isEqualTo(other);
        assertThat(one.parts()).isEqualTo(other.parts());
    }

    @Test
    void whitespaceIsTrimmedAndCollapsed() {
        CacheKey spaced = CacheKey.of("search").with("q", "  rust \t\n  lang ").build();
        CacheKey plain = CacheKey.of("search").with("q", "rust lang").build();
        assertThat(spaced).isEqualTo(plain);
        assertThat(CacheKey.of("search").with("q", " rust ").build())
                .isEqualTo(CacheKey.of("search").with("q", "rust").build());
    }

    @Test
    void caseIsFoldedOnlyWhereAsked() {
        CacheKey upper = CacheKey.of("search").withCaseInsensitive("q", "RUST").build();
        CacheKey lower = CacheKey.of("search").withCaseInsensitive("q", "rust").build();
        assertThat(upper).isEqualTo(lower);
        assertThat(CacheKey.of("search").with("q", "RUST").build())
                .isNotEqualTo(CacheKey.of("search").with("q", "rust").build());
    }

    @Test
    void caseFoldingDoesNotDependOnTheDefaultLocale() {
        assertThat(CacheKey.of("search").withCaseInsensitive("q", "TITLE").build().parts()).isEqualTo("q=title");
    }

    @Test
    void multiValuedPartsAreASortedSet() {
        CacheKey one = CacheKey.of("latest").withAll("source", List.of(3, 1, 2, 3)).build();
        CacheKey other = CacheKey.of("latest").withAll("source", List.of(2, 3, 1)).build();
        assertThat(one).isEqualTo(other);
        assertThat(one.parts()).isEqualTo("source=1,2,3");
    }

    @Test
    void longMultiValuedPartsAreHashed() {
        List<Integer> many = java.util.stream.IntStream.range(0, 1000).boxed().toList();
        CacheKey key = CacheKey.of("latest").withAll("source", many).build();
        assertThat(key.parts()).startsWith("source=h.").hasSizeLessThan(60);
    }

    @Test
    void listsThatDifferOnlyInHowTheyCouldBeJoinedHashApart() {
        CacheKey one = CacheKey.of("latest").withAll("tag", List.of("a b", "c")).build();
        CacheKey other = CacheKey.of("latest").withAll("tag", List.of("a", "b c")).build();
        assertThat(one).isNotEqualTo(other);
    }

    @Test
    void nullsAreExplicitAndDistinctFromADash() {
        CacheKey nullValue = CacheKey.of("search").with("cursor", null).build();
        CacheKey dash = CacheKey.of("search").with("cursor", "-").build();
        assertThat(nullValue.parts()).isEqualTo("cursor=-");
        assertThat(dash).isNotEqualTo(nullValue);
        assertThat(dash.parts()).startsWith("cursor=h.");
        assertThat(CacheKey.of("latest").withAll("source", null).build().parts()).isEqualTo("source=-");
    }

    @Test
    void aValueThatLooksLikeAHashIsHashedItself() {
        String hashed = CacheKey.of("search").with("q", "a b").build().parts().substring("q=".length());
        CacheKey lookalike = CacheKey.of("search").with("q", hashed).build();
        assertThat(lookalike.parts()).isNotEqualTo("q=" + hashed);
    }

    @Test
    void unsafeValuesAreHashedSoNothingCanBeInjected() {
        for (String hostile : List.of("x\r\nFLUSHALL\r\n", "*", "a:b", "rust lang", "new\nline", "ü", "q=1&x=2")) {
            CacheKey key = CacheKey.of("search").with("q", hostile).build();
            assertThat(key.parts()).as(hostile).startsWith("q=h.").matches("[A-Za-z0-9._=-]+");
            assertThat(key.render("newsagg", 0)).matches(SAFE_KEY);
        }
    }

    @Test
    void surroundingLineBreaksAreTrimmedAway() {
        assertThat(CacheKey.of("search").with("q", "\r\nFLUSHALL\r\n").build().parts()).isEqualTo("q=FLUSHALL");
    }

    @Test
    void hashIsSha256InBase64UrlWithoutPadding() {
        String parts = CacheKey.of("search").with("q", "*").build().parts();
        // SHA-256("*") = 684888c0ebb17f374298b65ee2807526c066094c701bcc7ebbe1c1095f494fc1
        assertThat(parts).isEqualTo("q=h.aEiIwOuxfzdCmLZe4oB1JsBmCUxwG8x-u-HBCV9JT8E");
    }

    @Test
    void hugeValuesGiveShortKeys() {
        char[] tenKilobytes = new char[10_240];
        Arrays.fill(tenKilobytes, 'a');
        CacheKey key = CacheKey.of("search").with("q", new String(tenKilobytes)).build();
        assertThat(key.render("newsagg", 0)).hasSizeLessThan(100).matches(SAFE_KEY);
    }

    @Test
    void shortSafeValuesAreKeptReadable() {
        String sixtyFour = "a".repeat(CacheKey.MAX_PLAIN_LENGTH);
        assertThat(CacheKey.of("search").with("q", sixtyFour).build().parts()).isEqualTo("q=" + sixtyFour);
        assertThat(CacheKey.of("search").with("q", sixtyFour + "a").build().parts()).startsWith("q=h.");
        assertThat(CacheKey.of("search").with("since", "2024-05-01T10.00").build().parts())
                .isEqualTo("since=2024-05-01T10.00");
    }

    @Test
    void distinctValuesGiveDistinctKeys() {
        assertThat(CacheKey.of("search").with("q", "rust").build())
                .isNotEqualTo(CacheKey.of("search").with("q", "rusty").build());
        assertThat(CacheKey.of("search").with("q", "").build())
                .isNotEqualTo(CacheKey.of("search").with("q", null).build());
    }

    @Test
    void keyWithoutPartsIsADash() {
        assertThat(CacheKey.of("sources").build().render("newsagg", 3)).isEqualTo("newsagg:v2:sources:3:-");
    }

    @Test
    void enumsAndNumbersAreWrittenPlainly() {
        assertThat(CacheKey.of("trending").with("window", Window.DAY).with("limit", 20L).build().parts())
                .isEqualTo("limit=20&window=DAY");
    }

    @Test
    void badNamesAndRepeatedParametersAreProgrammingErrors() {
        assertThatThrownBy(() -> CacheKey.of("Search:x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache name");
        assertThatThrownBy(() -> CacheKey.of("search").with("q*", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter name");
        assertThatThrownBy(() -> CacheKey.of("search").with("q", "a").with("q", "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> CacheKey.of("search").with("source", List.of(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withAll");
    }

    private enum Window { DAY }
}
