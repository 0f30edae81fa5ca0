package newsagg.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import newsagg.core.domain.NewArticle;
import newsagg.core.domain.Source;
import newsagg.core.query.NewsQueries.ArticleFilter;
import newsagg.core.query.NewsQueries.ArticleItem;
import newsagg.core.query.NewsQueries.Page;
import newsagg.core.store.DataSources;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The embedding example of the README, verbatim between the markers, so that it cannot rot. */
class EmbeddingExampleIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @Test
    void readmeEmbeddingExampleStoresAndReadsAnArticleAndCanRunTwice() {
        List<ArticleItem> first = runReadmeExample(PG.jdbcUrl(), PG.user(), PG.password());
        List<ArticleItem> second = runReadmeExample(PG.jdbcUrl(), PG.user(), PG.password());

        assertThat(second).isEqualTo(first);
        assertThat(second).singleElement().satisfies(item -> {
            assertThat(item.title()).isEqualTo("Hello, newsagg");
            assertThat(item.sourceTitle()).isEqualTo("Example");
            assertThat(item.categories()).containsExactly("demo");
        });
    }

    private static List<ArticleItem> runReadmeExample(String jdbcUrl, String user, String password) {
        // README example begins
        try (HikariDataSource ds = DataSources.pooled(jdbcUrl, user, password, 4, "newsagg")) {
            NewsCore core = NewsCore.open(ds); // migrates its schema (newsagg), then builds the stores and queries

            String feedUrl = "https://example.org/feed.xml";
            Source source = core.sources().findByFeedUrl(feedUrl)
                    .orElseGet(() -> core.sources().create(feedUrl, "Example", null));
            Instant now = Instant.now();
            // Upserts: the same dedupe key ("urn:example:1") in the same source is the same article.
            core.articles().upsert(source.id(), List.of(new NewArticle(
                    "urn:example:1", "urn:example:1", "https://example.org/1", "Hello, newsagg",
                    "A first article.", "<p>A first article.</p>", "Ann", now, now, List.of("demo"))));

            Page<ArticleItem> page = core.queries().newest(ArticleFilter.ALL, 10, null);
            page.items().forEach(item -> System.out.println(item.publishedAt() + " " + item.title()));
            // README example ends
            return page.items();
        }
    }
}
