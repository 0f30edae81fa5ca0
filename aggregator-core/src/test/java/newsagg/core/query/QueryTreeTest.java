package newsagg.core.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Reading PostgreSQL's querytree text into the sets of lexemes a match needs one of each of. */
class QueryTreeTest {

    @Test
    void andAndPhrasesNeedEveryPartOrNeedsEitherSide() {
        assertThat(QueryTree.requirements("'elect' & 'fraud'")).hasValue(List.of(Set.of("elect"), Set.of("fraud")));
        assertThat(QueryTree.requirements("'storm' | 'flood'")).hasValue(List.of(Set.of("storm", "flood")));
        assertThat(QueryTree.requirements("'climat' <-> 'chang'")).hasValue(List.of(Set.of("climat"), Set.of("chang")));
        assertThat(QueryTree.requirements("'a' <2> 'b' & 'c'")).hasValue(List.of(Set.of("a"), Set.of("b"), Set.of("c")));
        assertThat(QueryTree.requirements("'year'")).hasValue(List.of(Set.of("year")));
    }

    @Test
    void orBindsLooserThanAndAndIsDistributed() {
        assertThat(QueryTree.requirements("'storm' | 'budget' & 'minist'"))
                .hasValue(List.of(Set.of("storm", "budget"), Set.of("storm", "minist")));
        assertThat(QueryTree.requirements("( 'a' | 'b' ) & 'c'")).hasValue(List.of(Set.of("a", "b"), Set.of("c")));
        assertThat(QueryTree.requirements("'a' & 'b' | 'c' & 'd'")).hasValue(List.of(
                Set.of("a", "c"), Set.of("a", "d"), Set.of("b", "c"), Set.of("b", "d")));
    }

    @Test
    void aLargeOrFallsBackToOneOfAllItsLexemes() {
        // (a1 & ... & a6) | (b1 & ... & b6) would distribute into 36 sets.
        String left = String.join(" & ", "'a1'", "'a2'", "'a3'", "'a4'", "'a5'", "'a6'");
        String right = String.join(" & ", "'b1'", "'b2'", "'b3'", "'b4'", "'b5'", "'b6'");
        assertThat(QueryTree.requirements(left + " | " + right)).hasValueSatisfying(sets -> {
            assertThat(sets).hasSize(1);
            assertThat(sets.get(0)).hasSize(12).contains("a1", "b6");
        });
    }

    @Test
    void quotesInLexemesAreUndoubled() {
        assertThat(QueryTree.requirements("'it''s' & 'o''neil'")).hasValue(List.of(Set.of("it's"), Set.of("o'neil")));
    }

    @Test
    void whatItCannotReadSaysNothing() {
        for (String tree : new String[] {"T", "", " ", null, "!'storm'", "'budget' & !'storm'", "'elect':*",
                "'elect':A", "'a' &", "( 'a' | 'b'", "'unclosed", "'a' <x> 'b'", "'a' 'b'"}) {
            assertThat(QueryTree.requirements(tree)).as("%s", tree).isEmpty();
        }
    }
}
