package newsagg.core.query;

import static newsagg.core.testing.TestData.article;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import newsagg.core.query.NewsQueries.ChangedArticle;
import newsagg.core.testing.CoreExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the response cache reads to tell whether a search answer can be moved up to a new mark as it is: the
 * articles changed in a range of change sequences with their lexemes, and the lexemes a match of a query needs.
 */
class ChangedArticlesIT {

    @RegisterExtension
    static final CoreExtension DB = new CoreExtension();

    private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

    @Test
    void aMatchNeedsOneOfTheIndexableLexemesOfTheQuery() {
        NewsQueries queries = DB.core().queries();
        assertThat(queries.requiredLexemes("Election fraud")).hasValue(Set.of("elect", "fraud"));
        assertThat(queries.requiredLexemes("storm or flood")).hasValue(Set.of("storm", "flood"));
        assertThat(queries.requiredLexemes("\"climate change\"")).hasValue(Set.of("climat", "chang"));
        assertThat(queries.requiredLexemes("budget -storm")).hasValue(Set.of("budget"));
        assertThat(queries.requiredLexemes("-storm")).as("negations only: a match is known by what it lacks").isEmpty();
        assertThat(queries.requiredLexemes("the of")).as("stop words only: nothing matches").hasValue(Set.of());
        assertThat(queries.requiredLexemes("  ")).hasValue(Set.of());
    }

    @Test
    void everyArticleThatMatchesAQueryHoldsOneOfItsLexemes() {
        long s = DB.core().sources().create("https://changed.example.org/feed", "Changed", null).id();
        long before = DB.core().queries().changeMark().seq();
        DB.core().articles().upsert(s, List.of(
                article("a", "Elections were held", "Turnout was high.", T0),
                article("b", "Storm warning", "Rain and wind.", T0.plusSeconds(1)),
                article("c", "Budget talks", "The minister spoke.", T0.plusSeconds(2))));
        long after = DB.core().queries().changeMark().seq();

        List<ChangedArticle> changed = DB.core().queries().changedBetween(before, after, 10).orElseThrow();

        assertThat(changed).hasSize(3);
        assertThat(changed).extracting(ChangedArticle::changeSeq).isSorted().allMatch(seq -> seq > before && seq <= after);
        for (String query : List.of("election", "storm or budget", "\"storm warning\"", "minister -rain")) {
            Set<String> required = DB.core().queries().requiredLexemes(query).orElseThrow();
            long matches = DB.core().queries().search(query, 10, null).items().size();
            long holding = changed.stream().filter(c -> c.lexemes().stream().anyMatch(required::contains)).count();
            assertThat(holding).as("%s: every match holds a required lexeme", query).isGreaterThanOrEqualTo(matches);
            assertThat(matches).as(query).isPositive();
        }
        assertThat(DB.core().queries().changedBetween(before, after, 2)).as("more than the limit: nothing").isEmpty();
        assertThat(DB.core().queries().changedBetween(after, after, 10)).hasValue(List.of());
    }
}
