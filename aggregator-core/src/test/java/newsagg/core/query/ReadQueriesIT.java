package newsagg.core.query;

import static newsagg.core.testing.TestData.article;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import newsagg.core.domain.NewArticle;
import newsagg.core.query.NewsQueries.ArticleDetail;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.query.NewsQueries.SourceSummary;
import newsagg.core.query.NewsQueries.Trending;
import newsagg.core.testing.CoreExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReadQueriesIT {

    @RegisterExtension
    static final CoreExtension DB = new CoreExtension();

    @Test
    void articleByIdCarriesContentAndSourceTitle() {
        long s = DB.core().sources().create("https://example.org/a.xml", "Alpha", null).id();
        Instant at = Instant.parse("2024-01-02T03:04:05.678901Z");
        DB.core().articles().upsert(s, List.of(new NewArticle("k", "g", "https://example.org/k", "Title", "Sum",
                "<p>Body</p>", null, at, at, List.of("x"))));
        long id = DB.core().queries().newest(ArticleFilter.ALL, 1, null).items().get(0).id();

        assertThat(DB.core().queries().article(id)).contains(new ArticleDetail(id, s, "Alpha", "Title",
                "https://example.org/k", "Sum", null, at, List.of("x"), "<p>Body</p>"));
    }

    @Test
    void missingArticleIsEmpty() {
        assertThat(DB.core().queries().article(123_456_789L)).isEmpty();
    }

    @Test
    void sourcesAreOrderedByTitleWithTheirArticleCounts() {
        Instant now = Instant.parse("2024-05-06T07:08:09.123456Z");
        long zulu = DB.core().sources().create("https://example.org/z.xml", "Zulu", "https://z.example").id();
        long alpha = DB.core().sources().create("https://example.org/a.xml", "Alpha", null).id();
        long empty = DB.core().sources().create("https://example.org/m.xml", "Mike", null).id();
        DB.core().articles().upsert(zulu, List.of(article("1", now), article("2", now), article("3", now)));
        DB.core().articles().upsert(alpha, List.of(article("1", now)));
        DB.core().sources().recordFailure(alpha, "timeout", now, now.plus(1, ChronoUnit.HOURS));

        List<SourceSummary> sources = DB.core().queries().sources();

        assertThat(sources).extracting(SourceSummary::id, SourceSummary::title, SourceSummary::articleCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(alpha, "Alpha", 1L),
                        org.assertj.core.groups.Tuple.tuple(empty, "Mike", 0L),
                        org.assertj.core.groups.Tuple.tuple(zulu, "Zulu", 3L));
        assertThat(sources.get(0).lastError()).isEqualTo("timeout");
        assertThat(sources.get(0).lastFetchedAt()).isEqualTo(now);
        assertThat(sources.get(2).siteUrl()).isEqualTo("https://z.example");
        assertThat(sources.get(2).feedUrl()).isEqualTo("https://example.org/z.xml");
        assertThat(DB.core().queries().source(zulu)).contains(sources.get(2));
        assertThat(DB.core().queries().source(empty)).contains(sources.get(1));
        assertThat(DB.core().queries().source(987_654_321L)).isEmpty();
    }

    @Test
    void trendingCountsTitleTermsAndSourcesInsideTheWindowOnly() {
        Instant now = Instant.now();
        long a = DB.core().sources().create("https://example.org/a.xml", "Alpha", null).id();
        long b = DB.core().sources().create("https://example.org/b.xml", "Bravo", null).id();
        DB.core().articles().upsert(a, List.of(
                article("a1", "Elections in Spain", "volcano volcano volcano", now.minus(1, ChronoUnit.HOURS)),
                article("a2", "Spanish elections: results", "", now.minus(2, ChronoUnit.HOURS)),
                article("a3", "Election night in Spain, 2024", "", now.minus(3, ChronoUnit.HOURS)),
                article("old", "Earthquake earthquake", "", now.minus(30, ChronoUnit.HOURS))));
        DB.core().articles().upsert(b, List.of(
                article("b1", "Spain wins the cup", "", now.minus(4, ChronoUnit.HOURS)),
                article("b2", "The cup final", "", now.minus(5, ChronoUnit.HOURS)),
                article("old1", "Earthquake strikes", "", now.minus(25, ChronoUnit.HOURS)),
                article("old2", "Earthquake aftermath", "", now.minus(26, ChronoUnit.HOURS))));

        Trending trending = DB.core().queries().trending(24, 3);

        assertThat(trending.windowHours()).isEqualTo(24);
        // "elect" (3 articles: stems of election/elections) and "spain" (3) rise from nothing, then "cup" (2);
        // "earthquak" is only in the previous window, and single-article terms do not trend.
        assertThat(trending.terms()).containsExactly(
                new Trending.TermCount("elect", 3), new Trending.TermCount("spain", 3),
                new Trending.TermCount("cup", 2));
        assertThat(trending.sources()).containsExactly(
                new Trending.SourceCount(a, "Alpha", 3), new Trending.SourceCount(b, "Bravo", 2));
    }

    @Test
    void aBreakingTermOutranksOnesThatWereAlmostAsCommonBefore() {
        Instant now = Instant.now();
        long a = DB.core().sources().create("https://example.org/a.xml", "Alpha", null).id();
        List<NewArticle> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(article("before" + i, "Officials said less", "", now.minus(90 + i, ChronoUnit.MINUTES)));
        }
        for (int i = 0; i < 22; i++) {
            batch.add(article("now" + i, "Officials said more", "", now.minus(10 + i, ChronoUnit.MINUTES)));
        }
        for (int i = 0; i < 4; i++) {
            batch.add(article("storm" + i, "Hurricane delphine", "", now.minus(20 + i, ChronoUnit.MINUTES)));
        }
        DB.core().articles().upsert(a, batch);

        List<Trending.TermCount> terms = DB.core().queries().trending(1, 10).terms();

        // delphin and hurrican rise from 0 to 4 (score 4); offici and said from 20 to 22 (score 0.44).
        assertThat(terms).extracting(Trending.TermCount::term).containsExactly("delphin", "hurrican", "offici", "said");
        assertThat(terms.get(3)).isEqualTo(new Trending.TermCount("said", 22));
    }

    @Test
    void trendingIgnoresShortTermsNumbersAndSummaries() {
        Instant now = Instant.now();
        long a = DB.core().sources().create("https://example.org/a.xml", "Alpha", null).id();
        List<NewArticle> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(article("k" + i, "UK 2024 ok glacier", "summaryword", now.minus(i, ChronoUnit.MINUTES)));
        }
        DB.core().articles().upsert(a, batch);

        assertThat(DB.core().queries().trending(1, 10).terms()).containsExactly(new Trending.TermCount("glacier", 5));
    }

    @Test
    void trendingExcludesArticlesPublishedInTheFuture() {
        Instant now = Instant.now();
        long a = DB.core().sources().create("https://example.org/a.xml", "Alpha", null).id();
        DB.core().articles().upsert(a, List.of(article("future", "Tomorrow headline", "", now.plus(2, ChronoUnit.HOURS))));

        Trending trending = DB.core().queries().trending(24, 10);

        assertThat(trending.terms()).isEmpty();
        assertThat(trending.sources()).isEmpty();
    }

    @Test
    void trendingRejectsANonPositiveWindow() {
        assertThatThrownBy(() -> DB.core().queries().trending(0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hours");
    }
}
