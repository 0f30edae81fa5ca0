package newsagg.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

class CorpusSpecTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void defaultsAreThreeHundredSourcesAMillionArticlesSeed42ThirtyDaysToTheCurrentHour() {
        CorpusSpec spec = CorpusSpec.defaults();

        assertThat(spec.sources()).isEqualTo(300);
        assertThat(spec.articles()).isEqualTo(1_000_000);
        assertThat(spec.seed()).isEqualTo(42);
        assertThat(spec.days()).isEqualTo(30);
        assertThat(spec.now()).isEqualTo(spec.now().truncatedTo(ChronoUnit.HOURS))
                .isBetween(Instant.now().minus(1, ChronoUnit.HOURS), Instant.now());
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheField() {
        CorpusSpec spec = new CorpusSpec(10, 10, 1, 1, NOW);

        assertThatThrownBy(() -> spec.withSources(0)).hasMessage("sources must be between 1 and 100000, got 0");
        assertThatThrownBy(() -> spec.withArticles(-1)).hasMessage("articles must be between 0 and 100000000, got -1");
        assertThatThrownBy(() -> spec.withDays(0)).hasMessage("days must be between 1 and 3650, got 0");
        assertThatThrownBy(() -> spec.withNow(null)).hasMessage("now must not be null");
        assertThatThrownBy(() -> spec.withNow(Instant.EPOCH)).hasMessageStartingWith("now must be after 1980");
    }

    @Test
    void windowStartIsDaysBeforeNow() {
        assertThat(new CorpusSpec(1, 0, 1, 3, NOW).windowStart()).isEqualTo(Instant.parse("2025-02-26T12:00:00Z"));
    }
}
