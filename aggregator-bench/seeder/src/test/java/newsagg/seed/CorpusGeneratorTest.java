package newsagg.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import newsagg.core.domain.NewArticle;
import org.junit.jupiter.api.Test;

class CorpusGeneratorTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final CorpusSpec SPEC = new CorpusSpec(50, 20_000, 7, 10, NOW);

    @Test
    void sameSpecGivesIdenticalArticlesAndSources() {
        List<CorpusArticle> first = new CorpusGenerator(SPEC).articles(1, 1001).toList();
        List<CorpusArticle> second = new CorpusGenerator(SPEC).articles(1, 1001).toList();

        assertThat(first).hasSize(1000).isEqualTo(second);
        assertThat(new CorpusGenerator(SPEC).sources()).isEqualTo(new CorpusGenerator(SPEC).sources());
    }

    @Test
    void anArticleDoesNotDependOnWhichArticlesWereGeneratedBefore() {
        CorpusGenerator generator = new CorpusGenerator(SPEC);
        List<CorpusArticle> inOrder = generator.articles(1, 200).toList();

        assertThat(new CorpusGenerator(SPEC).article(150)).isEqualTo(inOrder.get(149));
    }

    @Test
    void differentSeedGivesDifferentArticles() {
        List<String> seven = titles(new CorpusGenerator(SPEC));
        List<String> eight = titles(new CorpusGenerator(SPEC.withSeed(8)));

        assertThat(eight).isNotEqualTo(seven);
        long same = java.util.stream.IntStream.range(0, seven.size()).filter(i -> seven.get(i).equals(eight.get(i))).count();
        assertThat(same).isLessThan(5);
    }

    @Test
    void vocabularyIsZipfLikeWithRealNewsWordsAtTheHead() {
        Map<String, Integer> counts = new HashMap<>();
        Pattern words = Pattern.compile("[^a-z]+");
        new CorpusGenerator(SPEC).articles().forEach(generated -> {
            String text = (generated.article().title() + " " + generated.article().summary()).toLowerCase();
            for (String word : words.split(text)) {
                if (!word.isEmpty() && !isFunctionWord(word)) {
                    counts.merge(word, 1, Integer::sum);
                }
            }
        });
        List<Map.Entry<String, Integer>> ranked = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).toList();

        assertThat(ranked.size()).isGreaterThan(3_000);
        assertThat(ranked.get(0).getValue()).isGreaterThan(30 * ranked.get(99).getValue());
        assertThat(ranked.subList(0, 10)).extracting(Map.Entry::getKey).contains("said", "new", "year", "people");
        assertThat(counts).containsKeys("election", "market", "inflation");
    }

    @Test
    void sourceActivityIsSkewed() {
        Map<Integer, Long> perSource = new CorpusGenerator(SPEC).articles()
                .collect(Collectors.groupingBy(CorpusArticle::sourceNumber, Collectors.counting()));
        long[] sorted = perSource.values().stream().mapToLong(Long::longValue).sorted().toArray();

        assertThat(perSource).hasSize(50);
        assertThat(sorted[sorted.length - 1]).isGreaterThan(10 * sorted[0]);
        assertThat(perSource.get(1)).isEqualTo(sorted[sorted.length - 1]);
    }

    @Test
    void publicationTimesLieInTheWindowAndFetchesFollowWithinMinutes() {
        Instant start = NOW.minus(Duration.ofDays(10));
        new CorpusGenerator(SPEC).articles().forEach(generated -> {
            NewArticle article = generated.article();
            assertThat(article.publishedAt()).isBetween(start, NOW);
            assertThat(article.fetchedAt()).isBetween(article.publishedAt(), NOW);
            assertThat(Duration.between(article.publishedAt(), article.fetchedAt())).isLessThanOrEqualTo(Duration.ofMinutes(30));
        });
    }

    @Test
    void articlesComeRoughlyInPublicationOrder() {
        List<CorpusArticle> articles = new CorpusGenerator(SPEC).articles().toList();
        for (int i = 1; i < articles.size(); i++) {
            assertThat(articles.get(i).article().publishedAt())
                    .isAfterOrEqualTo(articles.get(i - 1).article().publishedAt().minus(Duration.ofHours(1)));
        }
    }

    @Test
    void afternoonsAreBusierThanNights() {
        Map<Integer, Long> perHour = new CorpusGenerator(SPEC).articles()
                .collect(Collectors.groupingBy(a -> a.article().publishedAt().atZone(java.time.ZoneOffset.UTC).getHour(),
                        Collectors.counting()));

        assertThat(perHour.get(14)).isGreaterThan(3 * perHour.get(2));
    }

    @Test
    void storiesBurstInTheLastHoursAndAreRareBefore() {
        List<CorpusArticle> articles = new CorpusGenerator(SPEC).articles().toList();
        Instant recent = NOW.minus(Duration.ofHours(6));
        Instant lastWeek = NOW.minus(Duration.ofDays(5));
        long recentTotal = articles.stream().filter(a -> a.article().publishedAt().isAfter(recent)).count();
        long recentStory = articles.stream().filter(a -> a.article().publishedAt().isAfter(recent))
                .filter(a -> a.article().summary().toLowerCase().contains("hurricane delphine")).count();
        long oldStory = articles.stream().filter(a -> a.article().publishedAt().isBefore(lastWeek))
                .filter(a -> a.article().summary().toLowerCase().contains("hurricane delphine")).count();

        assertThat(recentStory).isGreaterThan(recentTotal / 10);
        assertThat(oldStory).isZero();
    }

    @Test
    void textFieldsHaveTheAdvertisedShape() {
        new CorpusGenerator(SPEC).articles(1, 3001).forEach(generated -> {
            NewArticle article = generated.article();
            assertThat(article.title().split(" ")).hasSizeBetween(6, 12);
            assertThat(article.summary().length()).isLessThanOrEqualTo(NewArticle.SUMMARY_MAX_CHARS);
            int summaryWords = article.summary().split(" ").length;
            assertThat(summaryWords).isBetween(30, 80);
            assertThat(article.contentHtml()).startsWith("<p>").endsWith("</p>");
            assertThat(article.contentHtml().replaceAll("</?p>", "").replace('\n', ' ')).isEqualTo(article.summary());
            assertThat(article.categories()).hasSizeLessThanOrEqualTo(3).doesNotHaveDuplicates();
            assertThat(article.dedupeKey()).isEqualTo(article.guid());
            String host = "https://example-news-" + generated.sourceNumber() + ".test/";
            assertThat(article.url()).startsWith(host).endsWith("-" + generated.number())
                    .matches("https://example-news-\\d+\\.test/\\d{4}/\\d{2}/[a-z0-9-]+-\\d+");
        });
    }

    @Test
    void sourcesHavePlausibleNamesAndReservedDomains() {
        List<CorpusSource> sources = new CorpusGenerator(SPEC.withSources(1_000)).sources();

        assertThat(sources).hasSize(1_000);
        assertThat(sources).extracting(CorpusSource::feedUrl).doesNotHaveDuplicates()
                .allMatch(url -> url.matches("https://example-news-\\d+\\.test/feed\\.xml"));
        assertThat(sources).extracting(CorpusSource::title).allMatch(title -> title.startsWith("The "))
                .doesNotHaveDuplicates();
        assertThat(sources.get(0).siteUrl()).isEqualTo("https://example-news-1.test/");
    }

    @Test
    void guidsAreUniquePerSource() {
        List<String> keys = new CorpusGenerator(SPEC).articles()
                .map(a -> a.sourceNumber() + " " + a.article().dedupeKey()).toList();

        assertThat(keys).doesNotHaveDuplicates();
    }

    private static List<String> titles(CorpusGenerator generator) {
        return generator.articles(1, 101).map(a -> a.article().title()).toList();
    }

    private static boolean isFunctionWord(String word) {
        return Arrays.asList("the", "of", "to", "in", "and", "for", "on", "with", "at", "by", "from", "as", "after",
                "over", "amid", "into").contains(word);
    }
}
