package newsagg.core.query;

import java.time.Instant;
import java.util.List;

/** An article as listings show it: everything but the HTML content. */
public record ArticleItem(long id, long sourceId, String sourceTitle, String title, String url, String summary,
                          String author, Instant publishedAt, List<String> categories) {
    public ArticleItem {
        categories = List.copyOf(categories);
    }
}
