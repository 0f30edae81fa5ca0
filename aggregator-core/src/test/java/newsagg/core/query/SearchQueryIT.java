package newsagg.core.query;

import static newsagg.core.testing.TestData.article;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import newsagg.core.domain.NewArticle;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.query.NewsQueries.InvalidCursorException;
import newsagg.core.query.NewsQueries.Page;
import newsagg.core.query.NewsQueries.SearchHit;
import newsagg.core.testing.CoreExtension;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SearchQueryIT {

    @RegisterExtension
    static final CoreExtension DB = new CoreExtension();

    private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

    @Test
    void titleMatchOutranksSummaryOnlyMatch() {
        long s = source();
        DB.core().articles().upsert(s, List.of(
                article("summary", "Weather report", "Heavy rain expected while the parliament debates.", T0),
                article("title", "Parliament passes budget", "Lawmakers approved the spending plan.", T0)));

        List<SearchHit> hits = DB.core().queries().search("parliament", 10, null).items();

        assertThat(hits).extracting(SearchHit::title).containsExactly("Parliament passes budget", "Weather report");
        assertThat(hits.get(0).rank()).isGreaterThan(hits.get(1).rank());
    }

    @Test
    void stemmingMatchesOtherFormsOfAWord() {
        long s = source();
        DB.core().articles().upsert(s, List.of(article("a", "Elections were held", "", T0)));

        assertThat(DB.core().queries().search("election", 10, null).items()).extracting(SearchHit::title)
                .containsExactly("Elections were held");
    }

    @Test
    void quotedPhraseMatchesOnlyAdjacentWords() {
        long s = source();
        DB.core().articles().upsert(s, List.of(
                article("adjacent", "Climate change summit opens", "", T0),
                article("apart", "Change of climate at the office", "", T0)));

        assertThat(DB.core().queries().search("\"climate change\"", 10, null).items()).extracting(SearchHit::title)
                .containsExactly("Climate change summit opens");
    }

    @Test
    void minusExcludesArticlesWithTheWord() {
        long s = source();
        DB.core().articles().upsert(s, List.of(
                article("a", "Football final tonight", "", T0),
                article("b", "Football transfer rumours", "", T0)));

        assertThat(DB.core().queries().search("football -transfer", 10, null).items()).extracting(SearchHit::title)
                .containsExactly("Football final tonight");
    }

    @Test
    void orMatchesEitherWord() {
        long s = source();
        DB.core().articles().upsert(s, List.of(
                article("a", "Tennis open begins", "", T0),
                article("b", "Cricket series drawn", "", T0),
                article("c", "Golf tour cancelled", "", T0)));

        assertThat(DB.core().queries().search("tennis or cricket", 10, null).items()).extracting(SearchHit::title)
                .containsExactlyInAnyOrder("Tennis open begins", "Cricket series drawn");
    }

    @Test
    void queryWithOnlyStopWordsOrPunctuationReturnsAnEmptyPage() {
        long s = source();
        DB.core().articles().upsert(s, List.of(article("a", "The and of it", "the the the", T0)));

        assertThat(DB.core().queries().search("the and of", 10, null)).isEqualTo(new Page<>(List.of(), null));
        assertThat(DB.core().queries().search("!!! ... ---", 10, null)).isEqualTo(new Page<>(List.of(), null));
        assertThat(DB.core().queries().search("   ", 10, null)).isEqualTo(new Page<>(List.of(), null));
    }

    @Test
    void sqlInQueryIsOnlyText() {
        long s = source();
        DB.core().articles().upsert(s, List.of(article("a", "Robert drops tables", "", T0)));

        assertThat(DB.core().queries().search("'); DROP TABLE articles; --", 10, null).items()).isEmpty();
        assertThat(DB.core().articles().count()).isEqualTo(1);
    }

    @Test
    void snippetHighlightsMatchesAndEscapesTheText() {
        long s = source();
        DB.core().articles().upsert(s, List.of(article("a", "Vote counted",
                "Officials said <script>alert(1)</script> the vote & recount were fair: 3 < 4 > 2 \"quoted\" words.", T0)));

        String snippet = DB.core().queries().search("vote", 10, null).items().get(0).snippet();

        assertThat(snippet).contains("<mark>vote</mark>").contains("&amp;").contains("3 &lt; 4 &gt; 2")
                .contains("&quot;quoted&quot;").doesNotContain("<script").doesNotContain("</script");
        assertThat(snippet.replace("<mark>", "").replace("</mark>", "")).doesNotContain("<").doesNotContain(">");
    }

    @Test
    void snippetFallsBackToTheTitleWhenThereIsNoSummary() {
        long s = source();
        DB.core().articles().upsert(s, List.of(article("a", "Drought <b>worsens</b> in the south", "", T0)));

        String snippet = DB.core().queries().search("drought", 10, null).items().get(0).snippet();

        assertThat(snippet).contains("<mark>Drought</mark>").doesNotContain("<b>");
    }

    @Test
    void paginationVisitsEveryHitOnceBestFirstWithIdBreakingTies() {
        long s = source();
        List<NewArticle> batch = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // Three tiers of relevance, many ties within each tier.
            String title = switch (i % 3) {
                case 0 -> "Harbour harbour harbour news " + i;
                case 1 -> "Harbour news " + i;
                default -> "Daily news " + i;
            };
            String summary = i % 3 == 2 ? "Boats in the harbour" : "";
            batch.add(article("k" + i, title, summary, T0.minus(i, ChronoUnit.MINUTES)));
        }
        DB.core().articles().upsert(s, batch);
        List<SearchHit> all = DB.core().queries().search("harbour", 100, null).items();
        assertThat(all).hasSize(23);

        List<SearchHit> walked = new ArrayList<>();
        String cursor = null;
        do {
            Page<SearchHit> page = DB.core().queries().search("harbour", 4, cursor);
            walked.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);

        assertThat(walked).extracting(SearchHit::id).doesNotHaveDuplicates()
                .containsExactlyElementsOf(all.stream().map(SearchHit::id).toList());
        for (int i = 1; i < walked.size(); i++) {
            SearchHit prev = walked.get(i - 1);
            SearchHit next = walked.get(i);
            assertThat(prev.rank() > next.rank() || prev.rank() == next.rank() && prev.id() > next.id())
                    .as("hit %d is ordered after hit %d", i, i - 1).isTrue();
        }
    }

    @Test
    void onlyTheNewestCandidatesAreRankedAndPaged() {
        long s = source();
        List<NewArticle> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            batch.add(article("weak" + i, "Harbour news " + i, "", T0.minus(i, ChronoUnit.MINUTES)));
        }
        // Older than every weak match, and ranked above them when they are candidates.
        for (int i = 0; i < 3; i++) {
            batch.add(article("strong" + i, "Harbour harbour harbour " + i, "", T0.minus(1, ChronoUnit.DAYS)));
        }
        DB.core().articles().upsert(s, batch);

        assertThat(DB.core().queries().search("harbour", 3, null).items()).extracting(SearchHit::title)
                .hasSize(3).allMatch(title -> title.startsWith("Harbour harbour harbour"));

        NewsQueries capped = new JdbiNewsQueries(DB.core().jdbi(), 10);
        List<SearchHit> walked = new ArrayList<>();
        String cursor = null;
        do {
            Page<SearchHit> page = capped.search("harbour", 4, cursor);
            walked.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(walked).extracting(SearchHit::title).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> "Harbour news " + i).toList());
    }

    @Test
    void searchIsPlannedForItsOwnQueryTextEveryTime() {
        long s = source();
        DB.core().articles().upsert(s, List.of(article("a", "Harbour news", "", T0)));

        long prepared = DB.core().jdbi().withHandle(h -> {
            Connection connection = h.getConnection();
            // A Jdbi over this one connection, so that the statements it prepares are visible below.
            Jdbi oneConnection = Jdbi.create(new ConnectionFactory() {
                @Override
                public Connection openConnection() {
                    return connection;
                }

                @Override
                public void closeConnection(Connection toClose) {
                }
            }).installPlugin(new PostgresPlugin());
            NewsQueries queries = new JdbiNewsQueries(oneConnection);
            for (int i = 0; i < 10; i++) {
                assertThat(queries.search("harbour", 5, null).items()).hasSize(1);
            }
            return h.createQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%websearch_to_tsquery%'")
                    .mapTo(Long.class).one();
        });

        assertThat(prepared).as("server-prepared search statements").isZero();
    }

    @Test
    void newestCursorIsRejectedBySearch() {
        long s = source();
        DB.core().articles().upsert(s, List.of(article("a", T0), article("b", T0)));
        String newestCursor = DB.core().queries().newest(ArticleFilter.ALL, 1, null).nextCursor();

        assertThatThrownBy(() -> DB.core().queries().search("title", 10, newestCursor))
                .isInstanceOf(InvalidCursorException.class).hasMessageContaining("another listing");
    }

    private static long source() {
        return DB.core().sources().create("https://example.org/feed.xml", "Example", null).id();
    }
}
