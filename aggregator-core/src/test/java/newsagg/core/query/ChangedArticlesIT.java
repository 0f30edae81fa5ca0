package newsagg.core.query;

import static newsagg.core.testing.TestData.article;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collections;
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
    void aMatchNeedsOneOfEachSetOfIndexableLexemesOfTheQuery() {
        NewsQueries queries = DB.core().queries();
        assertThat(queries.requiredLexemes("Election fraud")).hasValue(List.of(Set.of("elect"), Set.of("fraud")));
        assertThat(queries.requiredLexemes("storm or flood")).hasValue(List.of(Set.of("storm", "flood")));
        assertThat(queries.requiredLexemes("\"climate change\"")).hasValue(List.of(Set.of("climat"), Set.of("chang")));
        assertThat(queries.requiredLexemes("storm or budget minister"))
                .hasValue(List.of(Set.of("storm", "budget"), Set.of("storm", "minist")));
        assertThat(queries.requiredLexemes("budget -storm")).hasValue(List.of(Set.of("budget")));
        assertThat(queries.requiredLexemes("-storm")).as("negations only: a match is known by what it lacks").isEmpty();
        assertThat(queries.requiredLexemes("the of")).as("stop words only: nothing matches").hasValue(List.of(Set.of()));
        assertThat(queries.requiredLexemes("  ")).hasValue(List.of(Set.of()));
    }

    @Test
    void everyArticleThatMatchesAQueryHoldsOneLexemeOfEachSet() {
        long s = DB.core().sources().create("https://changed.example.org/feed", "Changed", null).id();
        long before = DB.core().queries().changeMark().seq();
        DB.core().articles().upsert(s, List.of(
                article("a", "Elections were held", "Turnout was high.", T0),
                article("b", "Storm warning", "Rain and wind.", T0.plusSeconds(1)),
                article("c", "Budget talks", "The minister spoke.", T0.plusSeconds(2)),
                article("d", "Budget storm", "Wind over the ministry.", T0.plusSeconds(3))));
        long after = DB.core().queries().changeMark().seq();

        List<ChangedArticle> changed = DB.core().queries().changedBetween(before, after, 10).orElseThrow();

        assertThat(changed).hasSize(4);
        assertThat(changed).extracting(ChangedArticle::changeSeq).isSorted().allMatch(seq -> seq > before && seq <= after);
        for (String query : List.of("election", "storm or budget", "\"storm warning\"", "minister -rain",
                "budget talks", "budget storm or election", "storm budget")) {
            List<Set<String>> required = DB.core().queries().requiredLexemes(query).orElseThrow();
            List<Long> matches = DB.core().queries().search(query, 10, null).items().stream()
                    .map(NewsQueries.SearchHit::id).toList();
            List<Long> holding = changed.stream()
                    .filter(c -> required.stream().noneMatch(oneOf -> Collections.disjoint(c.lexemes(), oneOf)))
                    .map(ChangedArticle::id).toList();
            assertThat(holding).as("%s: every match holds one lexeme of each set", query).containsAll(matches);
            assertThat(matches).as(query).isNotEmpty();
        }
        assertThat(DB.core().queries().requiredLexemes("budget talks").orElseThrow()).as("both words")
                .isEqualTo(List.of(Set.of("budget"), Set.of("talk")));
        assertThat(DB.core().queries().changedBetween(before, after, 2)).as("more than the limit: nothing").isEmpty();
        assertThat(DB.core().queries().changedBetween(after, after, 10)).hasValue(List.of());
    }
}
