package newsagg.core.testing;

import java.time.Instant;
import java.util.List;

import newsagg.core.domain.NewArticle;

/** Article builders for integration tests of the core. */
public final class TestData {

    private TestData() {
    }

    /** An article with this key, title, summary and publication time, fetched at that same time. */
    public static NewArticle article(String key, String title, String summary, Instant publishedAt) {
        return new NewArticle(key, "guid-" + key, "https://example.org/" + key, title, summary,
                "<p>" + title + "</p>", "Author", publishedAt, publishedAt, List.of("news"));
    }

    /** An article with a title derived from its key and an empty summary. */
    public static NewArticle article(String key, Instant publishedAt) {
        return article(key, "Title " + key, "", publishedAt);
    }
}
